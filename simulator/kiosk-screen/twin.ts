import type { KioskScreenDisplay, KioskView } from '../../drivers/kiosk-screen/index.ts';

/** The web screen's simulator twin: records each screen pushed, as the page would receive it (repeats skipped). */
export class KioskScreenTwin implements KioskScreenDisplay {
  readonly views: KioskView[] = [];

  show(view: KioskView): void {
    const last = this.views.at(-1);
    if (last && JSON.stringify(last) === JSON.stringify(view)) return;
    this.views.push(view);
  }

  /** The screen now, or undefined before the kiosk showed one. */
  get current(): KioskView | undefined {
    return this.views.at(-1);
  }

  async close(): Promise<void> {}
}
