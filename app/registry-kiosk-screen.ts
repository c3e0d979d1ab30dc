/**
 * The kiosk screen's kinds (`peripherals.kioskScreen`) mapped to the web
 * screen or to the simulator's twin that records what it would show. The
 * kiosk role writes to whichever opens here; a failure names the field.
 */
import type { Logger } from '../base/log.ts';
import type { KioskScreenDisplay } from '../drivers/kiosk-screen/index.ts';
import { WebKioskScreen } from '../drivers/kiosk-screen/web.ts';
import type { KioskScreenConfig } from '../firmware/config/face-schema.ts';
// The twin is loaded only when a config names it: a device's run never loads simulator code.
import type { KioskScreenTwin } from '../simulator/kiosk-screen/twin.ts';
import type { Opened } from './registry.ts';

export interface OpenedKioskScreen {
  screen: KioskScreenDisplay;
  /** The page's address, for the log and for Chromium (`chromium --kiosk URL`). */
  url?: string;
  twin?: KioskScreenTwin;
}

export async function openKioskScreen(c: KioskScreenConfig, log: Logger): Promise<Opened<OpenedKioskScreen>> {
  if (c.kind === 'twin') {
    const { KioskScreenTwin } = await import('../simulator/kiosk-screen/twin.ts');
    const twin = new KioskScreenTwin();
    return { ok: true, value: { screen: twin, twin } };
  }
  const opened = await WebKioskScreen.open({ ...c, log });
  if (!opened.ok) return { ok: false, message: `peripherals.kioskScreen: ${opened.error}` };
  return { ok: true, value: { screen: opened.screen, url: opened.screen.url } };
}
