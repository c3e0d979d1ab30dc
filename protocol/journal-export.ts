import { createHmac } from 'node:crypto';
import { CHAIN_BYTES, CHAIN_ZERO, chainNext } from './messages/chain.ts';
import type { WireRecord } from './messages/record-context.ts';
import { hmac, sameBytes } from './keys.ts';

/**
 * A journal carried by hand (PROTOCOL.md §11): the records a terminal holds unacknowledged, written to a
 * file for a USB stick when the terminal cannot reach its backend. JSON lines, '\n' after each:
 *
 *   header  {"format":"onecard-journal-export","version":1,"terminalId","keyId","utcOffsetMinutes","fromSeq",
 *            "exportedAtMs"}
 *   record  {"seq","kind","atMs","card","ref","body","chain"}   one a line, seqs fromSeq, fromSeq+1, …
 *   end     {"end":true,"records","lastSeq","chainLast"}
 *   mac     {"mac"}   HMAC-SHA256(K_x, every byte of the file before this line), hex
 *
 * `chain` is the §6.6.4 chain over the file's records, started from 16 zero bytes before fromSeq (the
 * terminal does not keep chain(fromSeq − 1): the backend's ack gives it to each session). K_x =
 * HMAC-SHA256(K_t, "onecard/v1 journal-export"), K_t the terminal's key of generation keyId (§4.1): only
 * the terminal and its backend can make the MAC, and it can be taken for nothing else. A file cut short
 * has no end or MAC line and is refused whole.
 */
export const EXPORT_FORMAT = 'onecard-journal-export';
export const EXPORT_VERSION = 1;
/** A MAC's bytes: HMAC-SHA256 in full (the file is checked once; no need to save bytes). */
export const EXPORT_MAC_BYTES = 32;
const EXPORT_LABEL = new TextEncoder().encode('onecard/v1 journal-export');

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  terminalId: number;
  keyId: number;
  utcOffsetMinutes: number;
  fromSeq: number;
  exportedAtMs: number;
}

export interface ExportEnd {
  end: true;
  records: number;
  lastSeq: number;
  chainLast: string;
}

/** K_x: the export's MAC key, apart from every session key (§4.1 labels). */
export function exportMacKey(terminalKey: Uint8Array): Uint8Array {
  return hmac(terminalKey, EXPORT_LABEL);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Writes an export line by line through `write` (a stream, a file): the MAC and the chain are carried
 * forward, so an export of any size is never held whole in memory.
 */
export class ExportWriter {
  private readonly mac;
  private chain: Uint8Array = CHAIN_ZERO;
  private nextSeq: number;
  private count = 0;

  constructor(
    private readonly header: Omit<ExportHeader, 'format' | 'version'>,
    terminalKey: Uint8Array,
    private readonly write: (text: string) => void,
  ) {
    this.mac = createHmac('sha256', exportMacKey(terminalKey));
    this.nextSeq = header.fromSeq;
    this.line({ format: EXPORT_FORMAT, version: EXPORT_VERSION, ...header });
  }

  record(r: WireRecord): void {
    if (r.seq !== this.nextSeq) throw new RangeError(`export: record ${r.seq} where ${this.nextSeq} was due`);
    this.chain = chainNext(this.chain, r, this.header.terminalId);
    this.line({
      seq: r.seq,
      kind: r.kind,
      atMs: r.atMs,
      card: r.card,
      ref: r.ref,
      body: r.body,
      chain: hex(this.chain),
    });
    this.nextSeq++;
    this.count++;
  }

  /** Writes the end and MAC lines; returns what the end line says. */
  finish(): ExportEnd {
    const end: ExportEnd = { end: true, records: this.count, lastSeq: this.nextSeq - 1, chainLast: hex(this.chain) };
    this.line(end);
    this.write(`${JSON.stringify({ mac: this.mac.digest('hex') })}\n`);
    return end;
  }

  private line(value: unknown): void {
    const text = `${JSON.stringify(value)}\n`;
    this.mac.update(text, 'utf8');
    this.write(text);
  }
}

export type ReadExport =
  | { ok: true; header: ExportHeader; records: WireRecord[]; chainLast: Uint8Array }
  | { ok: false; reason: string };

/**
 * Checks an export whole, in the order a person can act on: its shape, then the MAC (with the key
 * `keyOf` gives for the header's terminal and generation, or the reason there is none), then each
 * record's seq and chain, then the end line. The first failure is the reason; nothing is half read.
 */
export function readExport(
  text: string,
  keyOf: (terminalId: number, keyId: number) => Uint8Array | string,
): ReadExport {
  const refuse = (reason: string): ReadExport => ({ ok: false, reason });
  if (!text.endsWith('\n')) return refuse('the file does not end with a line break: it was cut short');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return refuse('not a journal export: too few lines (header, end and MAC at least)');
  const header = parseLine(lines[0]);
  const headerProblem = checkHeader(header);
  if (headerProblem !== null) return refuse(`line 1: ${headerProblem}`);
  const h = header as ExportHeader;
  const macLine = parseLine(lines[lines.length - 1]);
  const macHex = isObject(macLine) && typeof macLine.mac === 'string' ? macLine.mac : null;
  if (macHex === null || !/^[0-9a-f]{64}$/.test(macHex))
    return refuse('no MAC on the last line: the file was cut short or is not a journal export');
  const key = keyOf(h.terminalId, h.keyId);
  if (typeof key === 'string') return refuse(key);
  const signed = text.slice(0, text.length - lines[lines.length - 1].length - 1);
  const mac = createHmac('sha256', exportMacKey(key)).update(signed, 'utf8').digest();
  if (!sameBytes(mac, Buffer.from(macHex, 'hex')))
    return refuse(
      `the MAC does not verify with terminal ${h.terminalId}'s key ${h.keyId}: ` +
        'the file was changed after the export, or was not written by that terminal',
    );
  return readRecords(h, lines.slice(1, -1));
}

function readRecords(h: ExportHeader, lines: string[]): ReadExport {
  const refuse = (reason: string): ReadExport => ({ ok: false, reason });
  const records: WireRecord[] = [];
  let chain: Uint8Array = CHAIN_ZERO;
  const endAt = lines.length - 1;
  for (let i = 0; i < endAt; i++) {
    const lineNo = i + 2;
    const r = parseLine(lines[i]);
    const wanted = h.fromSeq + i;
    if (!isRecordLine(r)) return refuse(`line ${lineNo}: not a record (seq, kind, atMs, card, ref, body, chain)`);
    if (r.seq !== wanted) return refuse(`line ${lineNo}: record ${r.seq} where ${wanted} was due: records are missing`);
    const record: WireRecord = { seq: r.seq, kind: r.kind, atMs: r.atMs, card: r.card, ref: r.ref, body: r.body };
    chain = chainNext(chain, record, h.terminalId);
    if (r.chain !== hex(chain)) return refuse(`line ${lineNo}: record ${r.seq} does not match its chain value`);
    records.push(record);
  }
  const end = parseLine(lines[endAt]);
  if (!isObject(end) || end.end !== true) return refuse(`line ${endAt + 2}: no end line before the MAC`);
  const lastSeq = h.fromSeq + records.length - 1;
  if (end.records !== records.length || end.lastSeq !== lastSeq || end.chainLast !== hex(chain))
    return refuse(
      `line ${endAt + 2}: the end line says ${String(end.records)} record(s) to ${String(end.lastSeq)}; ` +
        `the file holds ${records.length} to ${lastSeq}, or another chain`,
    );
  return { ok: true, header: h, records, chainLast: chain };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isUint = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;

function checkHeader(v: unknown): string | null {
  if (!isObject(v) || v.format !== EXPORT_FORMAT) return `not a journal export (no "format":"${EXPORT_FORMAT}")`;
  if (v.version !== EXPORT_VERSION) return `export version ${String(v.version)}; this build reads ${EXPORT_VERSION}`;
  if (!isUint(v.terminalId, 0xffff_ffff)) return 'terminalId is not a terminal number';
  if (!isUint(v.keyId, 0xffff_ffff) || v.keyId < 1) return 'keyId is not a key generation';
  if (typeof v.utcOffsetMinutes !== 'number' || !Number.isInteger(v.utcOffsetMinutes)) return 'no utcOffsetMinutes';
  if (!isUint(v.fromSeq) || v.fromSeq < 1) return 'fromSeq is not a journal seq';
  if (!isUint(v.exportedAtMs)) return 'no exportedAtMs';
  return null;
}

function isRecordLine(v: unknown): v is WireRecord & { chain: string } {
  if (!isObject(v)) return false;
  const nullableUint = (x: unknown) => x === null || isUint(x);
  return (
    isUint(v.seq) &&
    typeof v.kind === 'string' &&
    isUint(v.atMs) &&
    nullableUint(v.card) &&
    nullableUint(v.ref) &&
    'body' in v &&
    typeof v.chain === 'string' &&
    v.chain.length === CHAIN_BYTES * 2
  );
}
