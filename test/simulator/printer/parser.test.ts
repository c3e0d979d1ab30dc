import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeJob } from '../../../drivers/printer/encode.ts';
import { EscPosParser, type PrinterEvent } from '../../../simulator/printer/parser.ts';
import { render } from '../../../simulator/printer/render.ts';
import { SAMPLE_RECEIPT } from '../../vectors/printer/sample-receipt.ts';

function encoded(): Uint8Array {
  const r = encodeJob({
    items: [
      ...SAMPLE_RECEIPT.items,
      { kind: 'qr', data: 'R-1', render: 'raster', moduleDots: 2 },
      { kind: 'barcode', symbology: 'ean13', data: '690123456789' },
    ],
  });
  assert.ok(r.ok);
  return r.bytes;
}

function parseChunks(bytes: Uint8Array, cuts: readonly number[]): PrinterEvent[] {
  const p = new EscPosParser();
  const events: PrinterEvent[] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    events.push(...p.feed(bytes.subarray(from, at)));
    from = at;
  }
  return [...events, ...p.flush()];
}

test('the parser gives the same transcript at every split point, and one byte at a time', () => {
  const bytes = encoded();
  const whole = render(parseChunks(bytes, []));
  assert.doesNotMatch(whole, /UNKNOWN/);
  for (let at = 1; at < bytes.length; at++) assert.equal(render(parseChunks(bytes, [at])), whole, `split at ${at}`);
  const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
  assert.equal(render(parseChunks(bytes, everyByte)), whole);
});

test('a GB18030 character split across chunks comes out whole (2- and 4-byte sequences)', () => {
  const bytes = new Uint8Array([0xd2, 0xbb, 0x81, 0x30, 0x84, 0x36, 0x0a]); // 一 ¥ LF
  for (let at = 1; at < bytes.length; at++) assert.equal(render(parseChunks(bytes, [at])), '一¥');
});

test('an unknown command is reported, skipped, and the text after it still prints', () => {
  const events = parseChunks(new Uint8Array([0x1b, 0x99, 0x41, 0x0a]), []);
  assert.equal(render(events), '[UNKNOWN 1b 99]A');
});
