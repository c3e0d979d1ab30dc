import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsQRModule from 'jsqr';
import { parseReceiptReference, receiptReference } from '../../../firmware/receipts/reference.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { LANGUAGES, PAPERS, TEMPLATES } from '../../vectors/receipts/cases.ts';
import { receiptBytes } from '../../vectors/receipts/vector.ts';

// jsqr is CommonJS with a default export typed as ESM: under nodenext the function is on .default.
const jsQR = ((jsQRModule as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

/** The GS v 0 raster the twin received, as the RGBA image a camera would see (1 = black dot). */
function rasterImage(sim: SimPrinter): { data: Uint8ClampedArray; width: number; height: number } {
  const e = sim.printed.find((p) => p.kind === 'command' && p.bytes[0] === 0x1d && p.bytes[1] === 0x76);
  assert.ok(e && e.kind === 'command', 'a GS v 0 raster was printed');
  const b = e.bytes;
  const widthBytes = b[4]! | (b[5]! << 8);
  const height = b[6]! | (b[7]! << 8);
  const width = widthBytes * 8;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const black = (b[8 + y * widthBytes + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
      data.fill(black ? 0 : 255, (y * width + x) * 4, (y * width + x) * 4 + 3);
      data[(y * width + x) * 4 + 3] = 255;
    }
  return { data, width, height };
}

test('the rasterised QR of every 58 mm receipt decodes (jsQR) to its record reference', () => {
  for (const template of Object.keys(TEMPLATES))
    for (const language of LANGUAGES) {
      const sim = new SimPrinter();
      sim.receive(receiptBytes(template, language, 58));
      const img = rasterImage(sim);
      const decoded = jsQR(img.data, img.width, img.height);
      const reference = TEMPLATES[template]!(language).lines.find((l) => l.kind === 'qr');
      assert.ok(reference?.kind === 'qr');
      assert.equal(decoded?.data, reference.data, `${template} ${language}`);
      assert.ok(parseReceiptReference(decoded.data), 'one of our references');
    }
});

test('the native QR (80 mm) stores the reference for the printer to draw', () => {
  for (const paperMm of PAPERS.filter((p) => p === 80)) {
    const sim = new SimPrinter();
    sim.receive(receiptBytes('sale', 'zh', paperMm));
    assert.match(sim.transcript(), /\[QR-STORE R101-42\]\[QR-PRINT\]/);
  }
});

test('a reference is R<terminal id>-<journal seq>, and reads back; anything else is not ours', () => {
  assert.equal(receiptReference(101, 42), 'R101-42');
  assert.deepEqual(parseReceiptReference('R101-42'), { terminalId: 101, seq: 42 });
  for (const bad of ['R101-01', 'R0-1', '101-42', 'R101-42 ', 'R1-99999999999999999', 'r101-42'])
    assert.equal(parseReceiptReference(bad), null, bad);
});
