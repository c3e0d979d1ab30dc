/**
 * The Linux input subsystem's `struct input_event`, as read from
 * /dev/input/event* (include/uapi/linux/input.h):
 *
 *   struct input_event { __kernel_ulong_t sec; __kernel_ulong_t usec; __u16 type; __u16 code; __s32 value; };
 *
 * `ulong` is the reading process's word: 8 bytes for a 64-bit process (24-byte
 * event), 4 bytes for a 32-bit one such as armhf Node on a Pi (16-byte event,
 * also with a 64-bit kernel, which answers 32-bit readers in the compat
 * layout, and also with 64-bit time_t, since the kernel field is ulong).
 * Little-endian on every Pi. The decoder is a pure state machine over chunks:
 * a read may end mid-event, the rest comes with the next chunk.
 */
export type EventLayout = 64 | 32;
export const EVENT_BYTES: Record<EventLayout, number> = { 64: 24, 32: 16 };
export const EV = { SYN: 0x00, KEY: 0x01, MSC: 0x04, LED: 0x11 } as const;
export const MSC_SCAN = 0x04;

export interface InputEvent {
  sec: number;
  usec: number;
  type: number;
  code: number;
  value: number;
}

/** The layout of the process reading the device: 32-bit ARM and x86 Node read 16-byte events. */
export const nativeLayout = (arch: string): EventLayout => (arch === 'arm' || arch === 'ia32' ? 32 : 64);

export interface DecodeState {
  layout: EventLayout;
  /** Bytes of an event cut by the end of the last chunk. */
  partial: Uint8Array;
}

export const decodeStart = (layout: EventLayout): DecodeState => ({ layout, partial: new Uint8Array(0) });

function decodeOne(b: Buffer, layout: EventLayout): InputEvent {
  const word = layout === 64 ? 8 : 4;
  const read = (at: number) => (layout === 64 ? Number(b.readBigUInt64LE(at)) : b.readUInt32LE(at));
  return {
    sec: read(0),
    usec: read(word),
    type: b.readUInt16LE(2 * word),
    code: b.readUInt16LE(2 * word + 2),
    value: b.readInt32LE(2 * word + 4),
  };
}

export function decodeChunk(s: DecodeState, chunk: Uint8Array): { state: DecodeState; events: InputEvent[] } {
  const size = EVENT_BYTES[s.layout];
  const all = Buffer.concat([s.partial, chunk]);
  const whole = all.length - (all.length % size);
  const events: InputEvent[] = [];
  for (let at = 0; at < whole; at += size) events.push(decodeOne(all.subarray(at, at + size), s.layout));
  return { state: { layout: s.layout, partial: Uint8Array.from(all.subarray(whole)) }, events };
}

/** The bytes the kernel would hand a reader of this layout (for twins and golden vectors). */
export function encodeEvent(e: InputEvent, layout: EventLayout): Buffer {
  const word = layout === 64 ? 8 : 4;
  const b = Buffer.alloc(EVENT_BYTES[layout]);
  if (layout === 64) {
    b.writeBigUInt64LE(BigInt(e.sec), 0);
    b.writeBigUInt64LE(BigInt(e.usec), 8);
  } else {
    b.writeUInt32LE(e.sec, 0);
    b.writeUInt32LE(e.usec, 4);
  }
  b.writeUInt16LE(e.type, 2 * word);
  b.writeUInt16LE(e.code, 2 * word + 2);
  b.writeInt32LE(e.value, 2 * word + 4);
  return b;
}
