import { readExport } from '../protocol/index.ts';
import type { AdminResult } from './admin.ts';
import type { Backend } from './backend.ts';

/**
 * `onecard backend import FILE`: a journal a terminal exported by hand (`onecard journal export`, PROTOCOL.md
 * §11). The CLI reads the file and sends its text (admin-file.ts); here it is checked whole — shape, the
 * terminal's MAC, every record's seq and chain — and then taken by the upload's own rule
 * (JournalStore.ingestCarried): records this backend holds already, from the link or an earlier import, are
 * checked against what it holds and not counted again.
 */
export const IMPORT_HELP = [
  '  import <file>                  a journal exported at a terminal (onecard journal export): checked, taken once',
];

/**
 * A canteen terminal offline for weeks: ~100,000 records of ~500 bytes as JSON lines. The file is posted
 * whole to a running server's admin endpoint (held in memory twice), so it is bounded here.
 */
export const EXPORT_FILE_BYTES_MAX = 64 * 1024 * 1024;

const usage = (): AdminResult => ({ code: 2, lines: ['usage: onecard backend import <file>'] });

/** `args` after `import`: the file's name and its text (appended by the CLI). */
export function importAdmin(b: Backend, args: string[]): AdminResult {
  const [file, text] = args;
  if (file === undefined || text === undefined || args.length !== 2) return usage();
  const read = readExport(text, (terminal, keyId) => {
    const key = b.keyFor(terminal, keyId);
    return (
      key ?? `this backend holds no key ${keyId} for terminal ${terminal} (a generation replaced since the export?)`
    );
  });
  if (!read.ok) return { code: 1, lines: [`${file}: refused, nothing imported: ${read.reason}`] };
  const { header: h, records } = read;
  if (records.length === 0) return { code: 0, lines: [`${file}: terminal ${h.terminalId} exported no record`] };
  const r = b.journal.ingestCarried(h.terminalId, h.utcOffsetMinutes, records);
  if (!r.ok) return { code: 1, lines: [`${file}: refused, nothing imported: ${r.reason}`] };
  // As after an upload: credits applied or a clone blacklisted reach the terminals online at once.
  if (r.listsChanged) b.pushAll();
  const range = `records ${records[0].seq}..${records[records.length - 1].seq}`;
  return {
    code: 0,
    lines: [
      `${file}: terminal ${h.terminalId} ${range}: ${r.stored} new, ${r.held} held already`,
      ...(r.clones.length ? [`  cards found cloned and blacklisted: ${r.clones.join(', ')}`] : []),
    ],
  };
}
