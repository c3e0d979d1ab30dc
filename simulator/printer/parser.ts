import { decodeGb18030 } from '../../drivers/printer/text.ts';
import { commandLength } from './command-length.ts';

/**
 * ESC/POS bytes → events, as a state machine fed in chunks of any size
 * (a command or a GB18030 character may be split anywhere). Text bytes
 * gather until LF and are decoded then, so split characters come out whole.
 */
export type PrinterEvent =
  | { kind: 'line'; text: string }
  | { kind: 'command'; bytes: Uint8Array }
  /** A byte sequence the parser does not know; it skips the lead byte and goes on. */
  | { kind: 'unknown'; bytes: Uint8Array };

type ParserState = { kind: 'ground'; line: number[] } | { kind: 'command'; line: number[]; bytes: number[] };

const COMMAND_LEADS = new Set([0x1b, 0x1c, 0x1d, 0x10]);
const LF = 0x0a;
const CR = 0x0d;

export class EscPosParser {
  private state: ParserState = { kind: 'ground', line: [] };

  feed(chunk: Uint8Array): PrinterEvent[] {
    const events: PrinterEvent[] = [];
    for (const b of chunk) this.state = step(this.state, b, events);
    return events;
  }

  /** Text left without a closing LF (a printer prints it at the next LF; we show it at the end). */
  flush(): PrinterEvent[] {
    const s = this.state;
    this.state = { kind: 'ground', line: [] };
    return s.line.length > 0 ? [{ kind: 'line', text: decodeGb18030(new Uint8Array(s.line)) }] : [];
  }
}

/** One byte: the one place the parser's state changes. */
function step(s: ParserState, b: number, out: PrinterEvent[]): ParserState {
  if (s.kind === 'ground') {
    if (COMMAND_LEADS.has(b)) return { kind: 'command', line: s.line, bytes: [b] };
    if (b === LF) {
      out.push({ kind: 'line', text: decodeGb18030(new Uint8Array(s.line)) });
      return { kind: 'ground', line: [] };
    }
    if (b === CR) return s;
    s.line.push(b);
    return s;
  }
  s.bytes.push(b);
  const len = commandLength(s.bytes);
  if (len === 'more') return s;
  if (len === 'unknown') {
    out.push({ kind: 'unknown', bytes: new Uint8Array(s.bytes) });
    return { kind: 'ground', line: s.line };
  }
  const done = len === 'nul-terminated' ? s.bytes.length > 3 && b === 0 : s.bytes.length >= len;
  if (!done) return s;
  out.push({ kind: 'command', bytes: new Uint8Array(s.bytes) });
  return { kind: 'ground', line: s.line };
}
