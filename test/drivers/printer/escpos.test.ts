import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import jsQRModule from 'jsqr';
import { encodeJob } from '../../../drivers/printer/encode.ts';
import { drawerKick, qrNative } from '../../../drivers/printer/escpos.ts';
import { qrBitmap } from '../../../drivers/printer/qr-raster.ts';
import { SimPrinter } from '../../../simulator/printer/sim-printer.ts';
import { SAMPLE_RECEIPT } from '../../vectors/printer/sample-receipt.ts';

// jsqr is a UMD bundle: at run time the default import is the function, its types say `.default`.
const jsQR = ((jsQRModule as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;
const hex = (b: ArrayLike<number>) => Buffer.from(b as Uint8Array).toString('hex');
const golden = JSON.parse(
  readFileSync(new URL('../../vectors/printer/sample-receipt.json', import.meta.url), 'utf8'),
) as {
  bytesHex: string[];
  transcript: string[];
};

test('native QR bytes equal the published python-escpos / escpos-php vector for qr("1234"), size 3, level L', () => {
  const expected = '1d286b0400314132001d286b03003143031d286b03003145301d286b070031503031323334' + '1d286b0300315130';
  assert.equal(hex(qrNative(new TextEncoder().encode('1234'), 3, 'L')), expected);
});

test('drawer kick carries both pulse times (ESC p m t1 t2)', () => {
  assert.equal(hex(drawerKick(2, 100, 100)), '1b70003232');
  assert.equal(hex(drawerKick(5, 100, 200)), '1b70013264');
});

test('golden: the sample receipt encodes to the checked-in bytes and renders to the checked-in transcript', () => {
  const r = encodeJob(SAMPLE_RECEIPT);
  assert.ok(r.ok);
  assert.equal(hex(r.bytes), golden.bytesHex.join(''));
  const sim = new SimPrinter();
  sim.receive(r.bytes);
  assert.deepEqual(sim.unknown, []);
  assert.deepEqual(sim.transcript().split('\n'), golden.transcript);
});

test('the rasterised QR decodes back to its data with a real QR decoder (jsQR)', () => {
  for (const data of ['T7-42', 'ONECARD-REF-0000000123-食堂']) {
    const bmp = qrBitmap(new TextEncoder().encode(data), 4, 'M');
    const rgba = new Uint8ClampedArray(bmp.widthDots * bmp.heightDots * 4);
    for (let y = 0; y < bmp.heightDots; y++) {
      for (let x = 0; x < bmp.widthDots; x++) {
        const black = (bmp.bits[y * bmp.widthBytes + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
        rgba.fill(black ? 0 : 255, (y * bmp.widthDots + x) * 4, (y * bmp.widthDots + x) * 4 + 3);
        rgba[(y * bmp.widthDots + x) * 4 + 3] = 255;
      }
    }
    const found = jsQR(rgba, bmp.widthDots, bmp.heightDots);
    assert.equal(found?.data, data);
  }
});

test('a raster QR job goes out as GS v 0 and the simulator sees a raster of the bitmap size', () => {
  const r = encodeJob({ items: [{ kind: 'qr', data: 'T7-42', render: 'raster', moduleDots: 4 }] });
  assert.ok(r.ok);
  const sim = new SimPrinter();
  sim.receive(r.bytes);
  const bmp = qrBitmap(new TextEncoder().encode('T7-42'), 4, 'M');
  assert.match(sim.transcript(), new RegExp(`\\[RASTER ${bmp.widthBytes * 8}x${bmp.heightDots}\\]`));
});

test('bad items refuse the whole job, naming the item', () => {
  const cases: [Parameters<typeof encodeJob>[0], RegExp][] = [
    [
      {
        items: [
          { kind: 'text', text: 'ok' },
          { kind: 'text', text: 'a\x1bb' },
        ],
      },
      /item 1 \(text\).*control character 0x1b/,
    ],
    [{ items: [{ kind: 'barcode', symbology: 'ean13', data: '12AB' }] }, /EAN-13/],
    [{ items: [{ kind: 'text', text: 'x', style: { widthMul: 9 } }] }, /character size 9x1/],
    [{ items: [{ kind: 'qr', data: '', render: 'native' }] }, /QR data/],
    [{ items: [{ kind: 'feed', lines: 300 }] }, /feed must be/],
  ];
  for (const [job, message] of cases) {
    const r = encodeJob(job);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, message);
  }
});
