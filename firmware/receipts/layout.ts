import type { PrintItem, PrintJob } from '../../drivers/printer/index.ts';
import { pairLines, wrapColumns } from './columns.ts';
import type { DocLine, ReceiptDoc } from './document.ts';
import { PAPER, type PrintSettings } from './paper.ts';

/** A title is printed at double width, so half the columns fit. */
const TITLE_WIDTH_MUL = 2;

function itemsOf(line: DocLine, s: PrintSettings): PrintItem[] {
  const paper = PAPER[s.paperMm];
  switch (line.kind) {
    case 'title':
      return wrapColumns(line.text, Math.floor(paper.columns / TITLE_WIDTH_MUL)).map((text) => ({
        kind: 'text',
        text,
        align: 'center',
        style: { bold: true, widthMul: TITLE_WIDTH_MUL, heightMul: 2 },
      }));
    case 'text':
      return wrapColumns(line.text, paper.columns).map((text) => ({
        kind: 'text',
        text,
        align: line.align ?? 'left',
        style: { bold: line.bold ?? false },
      }));
    case 'pair':
      return pairLines(line.label, line.value, paper.columns).map((text) => ({
        kind: 'text',
        text,
        style: { bold: line.bold ?? false },
      }));
    case 'rule':
      return [{ kind: 'text', text: '-'.repeat(paper.columns) }];
    case 'qr':
      return [
        { kind: 'qr', data: line.data, render: s.nativeQr ? 'native' : 'raster', moduleDots: paper.qrModuleDots },
      ];
  }
}

/** The document fitted to the paper: every line within its columns, then a partial cut (the cut feeds the tail). */
export function layoutJob(doc: ReceiptDoc, settings: PrintSettings): PrintJob {
  return { items: [...doc.lines.flatMap((l) => itemsOf(l, settings)), { kind: 'cut', partial: true }] };
}

/** The document as plain text lines of `columns` (a screen, a shell): what the paper shows, without styles. */
export function docText(doc: ReceiptDoc, columns: number): string[] {
  return doc.lines.flatMap((l): string[] => {
    if (l.kind === 'pair') return pairLines(l.label, l.value, columns);
    if (l.kind === 'rule') return ['-'.repeat(columns)];
    if (l.kind === 'qr') return [];
    return wrapColumns(l.text, columns);
  });
}
