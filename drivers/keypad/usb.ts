import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { decodeChunk, decodeStart, type DecodeState, type EventLayout, nativeLayout } from './input-event.ts';
import { keyStart, type KeyState, nextKey } from './keys.ts';
import type { PosKey, UsbKeypadConfig } from './keymap.ts';

/**
 * A USB numeric keypad read from /dev/input/by-id/*-event-kbd with plain fs
 * streams (the reads block in libuv's thread pool, not the event loop).
 *
 * Grabbing: without `ioctl(fd, EVIOCGRAB, 1)` (EVIOCGRAB = _IOW('E', 0x90,
 * int) = 0x40044590) the kernel also hands every key to the console, where
 * a getty could read it. Node has no ioctl, so the grab is a native call the
 * terminal image supplies as `grab(fd)` (a few lines over an ioctl addon);
 * without it the terminal image must keep the keypad's keys off the console
 * (no getty on tty1). docs/face.md says both.
 */
export interface UsbKeypadHandlers {
  onKey(key: PosKey): void;
  /** Notes for the log (NumLock off, unmapped key); never a secret: PIN digits are keys, not notes. */
  onNote?(note: string): void;
  onError?(error: string): void;
}

export class UsbKeypad {
  private decode: DecodeState;
  private keys: KeyState = keyStart();

  constructor(
    private readonly source: Readable,
    private readonly config: UsbKeypadConfig,
    private readonly on: UsbKeypadHandlers,
  ) {
    const layout: EventLayout =
      config.layout === 'auto' ? nativeLayout(process.arch) : config.layout === '32' ? 32 : 64;
    this.decode = decodeStart(layout);
    source.on('data', (chunk: Buffer) => this.chunk(chunk));
    source.on('error', (err: Error) => this.on.onError?.(`keypad ${config.device}: ${err.message}`));
  }

  /** Opens the device file; `grab` is the native EVIOCGRAB call, when the terminal image has one. */
  static open(config: UsbKeypadConfig, on: UsbKeypadHandlers, grab?: (fd: number) => void): UsbKeypad {
    const stream = createReadStream(config.device, { highWaterMark: 24 * 64 });
    if (grab) stream.on('open', (fd: number) => grab(fd));
    else on.onNote?.('keypad not grabbed: its keys also reach the console');
    return new UsbKeypad(stream, config, on);
  }

  private chunk(chunk: Buffer): void {
    const d = decodeChunk(this.decode, chunk);
    this.decode = d.state;
    for (const e of d.events) {
      const step = nextKey(this.keys, e, this.config);
      this.keys = step.state;
      if (step.note) this.on.onNote?.(step.note);
      if (step.key) this.on.onKey(step.key);
    }
  }

  close(): void {
    this.source.destroy();
  }
}
