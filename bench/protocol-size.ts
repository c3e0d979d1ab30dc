import {
  buildJournalBatch,
  CHAIN_ZERO,
  encodeFrame,
  encodeMessage,
  MAC_BYTES,
  PAYLOAD_BYTES_DEFAULT,
  snapshotChunks,
  type WireRecord,
} from '../protocol/index.ts';
import { realisticSales } from './protocol-sales.ts';

/**
 * Wire size of the protocol's bulk traffic (PROTOCOL.md §5.4, §5.3): prints
 * nothing, returns numbers for bench/run.ts.
 *
 * - Sales: N realistic committed sales (intent + commit, as journaled) cut
 *   into JOURNAL_BATCH frames of ≤ 32 KiB, counted as whole secured frames
 *   (header, MAC, CRC, batch header and chain included) — against the same
 *   records as JSON.stringify, the baseline a naive sync would send.
 * - Blacklist: a 1,000,000-entry snapshot in ≤ 32 KiB chunks, as whole
 *   frames, for a realistic dense numbering (1M lost out of 5M cards issued
 *   in sequence) and for the worst case (1M uniform random u32s).
 */

export interface ProtocolSizeResult {
  sales: number;
  wireBytesPerSale: number;
  jsonBytesPerSale: number;
  /** JSON bytes / wire bytes. */
  jsonRatio: number;
  batches: number;
  blacklistEntries: number;
  blacklistBytesPerEntryDense: number;
  blacklistBytesPerEntryUniform: number;
  blacklistChunks: number;
}

const MAC = (s: Uint8Array) => new Uint8Array(MAC_BYTES).fill(s.length & 0xff);

function frameBytes(type: number, payload: Uint8Array): number {
  return encodeFrame({ type, seq: 1, payload, mac: MAC }).length;
}

export function uploadBytes(records: readonly WireRecord[], terminalId = 1042): { bytes: number; batches: number } {
  let bytes = 0;
  let batches = 0;
  let chain = CHAIN_ZERO;
  for (let i = 0; i < records.length; ) {
    const batch = buildJournalBatch(records.slice(i, i + 4096), {
      terminalId,
      utcOffsetMinutes: 480,
      chainPrev: chain,
      maxPayloadBytes: PAYLOAD_BYTES_DEFAULT,
    });
    const { code, payload } = encodeMessage(batch);
    bytes += frameBytes(code, payload);
    batches++;
    chain = batch.chainLast;
    i += batch.records.length;
  }
  return { bytes, batches };
}

function snapshotBytes(cards: number[]): { bytes: number; chunks: number } {
  const chunks = snapshotChunks({ list: 'blacklist', entries: cards }, 1, PAYLOAD_BYTES_DEFAULT);
  let bytes = 0;
  for (const c of chunks) {
    const { code, payload } = encodeMessage(c);
    bytes += frameBytes(code, payload);
  }
  return { bytes, chunks: chunks.length };
}

/** 1,000,000 distinct sorted card numbers: dense (1 in 5 of a sequential range) or uniform over u32. */
function blacklist(kind: 'dense' | 'uniform', n: number, seed: number): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const set = new Set<number>();
  while (set.size < n) set.add(kind === 'dense' ? 20_000_000 + (next() % (5 * n)) : next());
  return [...set].sort((a, b) => a - b);
}

export function benchProtocolSize(
  opts: { sales?: number; blacklistEntries?: number; seed?: number } = {},
): ProtocolSizeResult {
  const sales = opts.sales ?? 10_000;
  const records = realisticSales({ sales, seed: opts.seed ?? 1 });
  const upload = uploadBytes(records);
  const json = Buffer.byteLength(
    JSON.stringify(records.map(({ seq, kind, atMs, card, ref, body }) => ({ seq, kind, atMs, card, ref, body }))),
  );
  const n = opts.blacklistEntries ?? 1_000_000;
  const dense = snapshotBytes(blacklist('dense', n, 7));
  const uniform = snapshotBytes(blacklist('uniform', n, 7));
  return {
    sales,
    wireBytesPerSale: upload.bytes / sales,
    jsonBytesPerSale: json / sales,
    jsonRatio: json / upload.bytes,
    batches: upload.batches,
    blacklistEntries: n,
    blacklistBytesPerEntryDense: dense.bytes / n,
    blacklistBytesPerEntryUniform: uniform.bytes / n,
    blacklistChunks: dense.chunks,
  };
}
