import type { AdminResult } from './admin.ts';
import type { Backend } from './backend.ts';

/**
 * `onecard backend key …` and `enrol`: terminal keys for key files, and key
 * rotation (PROTOCOL.md §4.6, backend/key-rotation.ts). Only
 * `key <terminal>` and `enrol` print a key — that is their job; `key rotate`
 * and `key show` print generations, never key bytes.
 *
 * A key prints as 64 hex digits for generation 1 and as `N:HEX` for
 * generation N > 1, so one line of a key file carries both. No command takes
 * a key as an argument (it would show in `ps`): it travels in files (0600)
 * or over the loopback admin endpoint.
 */
export const KEY_HELP = [
  '  key <terminal>                 the terminal key of its current generation, for its key file (N:HEX from generation 2)',
  '  key rotate <terminal>          give the terminal a new key: now if it is online, else at its next session',
  '  key show <terminal>            the key generation in use and any rotation under way (no key printed)',
  '  enrol <terminal>               give a terminal a random key instead of the derived one',
];

function terminalId(s: string | undefined): number | null {
  return s !== undefined && /^\d{1,10}$/.test(s) && Number(s) <= 0xffff_ffff ? Number(s) : null;
}

/** How a key is printed for a key file (`onecard backend key <t> --out FILE`, `onecard sim --key-file FILE`). */
export function keyText(keyId: number, key: Uint8Array): string {
  const hex = Buffer.from(key).toString('hex');
  return keyId === 1 ? hex : `${keyId}:${hex}`;
}

/** The other way: a key as printed (`HEX` or `N:HEX`) back to its generation and bytes; null for anything else. */
export function parseKeyText(text: string): { keyId: number; key: Uint8Array } | null {
  const m = /^(?:([1-9]\d{0,9}):)?([0-9a-fA-F]{64})$/.exec(text.trim());
  if (!m || Number(m[1] ?? 1) > 0xffff_ffff) return null;
  return { keyId: Number(m[1] ?? 1), key: new Uint8Array(Buffer.from(m[2], 'hex')) };
}

/** `args` from the command word on: `key <t>`, `key rotate|show <t>`, `enrol <t>`. */
export function keyAdmin(b: Backend, args: string[]): AdminResult {
  const [cmd, sub, x] = args;
  if (cmd === 'key' && (sub === 'rotate' || sub === 'show')) {
    const t = terminalId(x);
    if (t === null) return { code: 2, lines: [`usage: onecard backend key ${sub} <terminal>`] };
    return sub === 'rotate' ? rotate(b, t) : show(b, t);
  }
  const t = terminalId(sub);
  if (t === null)
    return {
      code: 2,
      lines: [
        cmd === 'key'
          ? 'usage: onecard backend key <terminal> | key rotate|show <terminal>'
          : 'usage: onecard backend enrol <terminal>',
      ],
    };
  const keyId = b.keys.current(t);
  const key = cmd === 'enrol' ? b.enrol(t, keyId) : b.keyFor(t, keyId);
  return { code: 0, lines: [keyText(keyId, key as Uint8Array)] };
}

function rotate(b: Backend, t: number): AdminResult {
  const now = b.rotateKey(t);
  const r = b.keys.describe(t);
  if (now)
    return {
      code: 0,
      lines: [
        `terminal ${t}: key generation ${r.pending} offered; it becomes current when the terminal's handshake under it succeeds`,
      ],
    };
  const why = b.connected().has(t)
    ? 'the terminal is online but cannot take it now (see the log)'
    : 'the terminal is offline';
  return { code: 0, lines: [`terminal ${t}: key rotation queued (${why}); offered at its next session`] };
}

function show(b: Backend, t: number): AdminResult {
  const r = b.keys.describe(t);
  const pending =
    r.pending === null
      ? ''
      : `, generation ${r.pending} ${r.confirmed ? 'held by the terminal, current after its next handshake' : 'offered, not yet acknowledged'}`;
  return {
    code: 0,
    lines: [
      `terminal ${t}: key generation ${r.current}${pending}${r.requested && r.pending === null ? ', rotation queued for its next session' : ''}`,
    ],
  };
}
