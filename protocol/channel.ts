import { encodeFrame, MAC_BYTES, macInput, type Frame } from './frame.ts';
import { frameMac, sameBytes, type SessionKeys } from './keys.ts';
import { ReplayWindow, type SeqVerdict } from './replay.ts';
import type { Role } from './session-table.ts';

/**
 * The secured record layer under the session (PROTOCOL.md §3.5), like
 * libosdp's osdp_sc MAC step: numbers outgoing frames, MACs them with this
 * direction's key, and checks incoming ones — MAC first, then the replay
 * window — before anything reads their payload.
 */
export class Channel {
  private txSeq = 0;
  private outbox: Uint8Array[] = [];
  private keys: SessionKeys | null = null;
  private rx: ReplayWindow | null = null;
  framesOut = 0;

  constructor(readonly role: Role) {}

  setKeys(keys: SessionKeys): void {
    this.keys = keys;
  }
  get wrapKey(): Uint8Array | null {
    return this.keys?.wrap ?? null;
  }
  get seqExhausted(): boolean {
    return this.txSeq > 0xffff_ffff;
  }

  /** After the handshake: the peer's last handshake seq counts as seen. */
  open(peerSeq: number, windowSize: number): void {
    this.rx = new ReplayWindow(windowSize, peerSeq);
  }

  /** Queues one frame; returns its seq. */
  emit(code: number, payload: Uint8Array, secured: boolean): number {
    const seq = this.txSeq++;
    const txKey = this.role === 'terminal' ? this.keys?.macT2B : this.keys?.macB2T;
    if (secured && !txKey) throw new Error('bug: secured frame without session keys');
    this.outbox.push(
      encodeFrame({
        type: code,
        seq,
        payload,
        mac: secured ? (s) => frameMac(txKey as Uint8Array, s, MAC_BYTES) : undefined,
      }),
    );
    this.framesOut++;
    return seq;
  }

  take(): Uint8Array[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  macOk(f: Frame): boolean {
    const rxKey = this.role === 'backend' ? this.keys?.macT2B : this.keys?.macB2T;
    return f.mac !== null && rxKey !== undefined && sameBytes(frameMac(rxKey, macInput(f.raw), MAC_BYTES), f.mac);
  }

  /** Checks a MAC-verified frame's seq against the window and, if fresh, marks it seen. */
  admit(f: Frame): { verdict: SeqVerdict; highest: number; skipped: number } {
    const rx = this.rx;
    if (!rx) throw new Error('bug: admit() before open()');
    const highest = rx.highest;
    const verdict = rx.check(f.seq);
    if (verdict === 'ok') rx.accept(f.seq);
    return { verdict, highest, skipped: verdict === 'ok' && f.seq > highest + 1 ? f.seq - highest - 1 : 0 };
  }
}
