import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFrame,
  WiegandDecoder,
  type WiegandBit,
  type WiegandEvent,
} from '../../../../drivers/card/wiegand/decoder.ts';
import { WiegandReader } from '../../../../drivers/card/wiegand/reader.ts';
import type { UidRead } from '../../../../drivers/card/index.ts';
import { JsonLogger, MemorySink } from '../../../../firmware/core/log.ts';
import { pulseTrain, wiegandBits, type Pulse } from '../../../../simulator/wiegand/transmitter.ts';
import { SimWiegandGpio } from '../../../../simulator/wiegand/sim-gpio.ts';

const bitsOf = (s: string) => [...s].map((c) => Number(c) as WiegandBit);
const str = (bits: WiegandBit[]) => bits.join('');

/** Feeds a pulse train through a bare decoder and flushes well after it. */
function decodeTrain(pulses: Pulse[], decoder = new WiegandDecoder()): WiegandEvent[] {
  const events = pulses.flatMap((p) => decoder.pulse(p.line === 'd0' ? 0 : 1, p.fallingUs));
  const last = decoder.flush((pulses.at(-1)?.fallingUs ?? 0) + 1_000_000);
  return last ? [...events, last] : events;
}

test('golden frames: 26-bit facility 1 / card 1, and a 34-bit frame, both ways', () => {
  // P_even=1 (one 1 in the first 12 data bits), FC 00000001, CN 0…01, P_odd=0 (already one 1 in the last 12).
  const g26 = '10000000100000000000000010';
  assert.deepEqual(decodeFrame(bitsOf(g26)), { ok: true, read: { format: 'wiegand26', facility: 1, cardNumber: 1 } });
  assert.equal(str(wiegandBits('wiegand26', 1, 1)), g26);
  // 34-bit FC 0x1234, CN 0xABCD: first half 0001 0010 0011 0100 (5 ones → P_even 1), second 1010 1011 1100 1101 (10 ones → P_odd 1).
  const g34 = '1' + '0001001000110100' + '1010101111001101' + '1';
  assert.deepEqual(decodeFrame(bitsOf(g34)), {
    ok: true,
    read: { format: 'wiegand34', facility: 0x1234, cardNumber: 0xabcd },
  });
  assert.equal(str(wiegandBits('wiegand34', 0x1234, 0xabcd)), g34);
});

test('round trip through pulse trains of any timing, limits included', () => {
  const cases: [UidRead['format'], number, number][] = [
    ['wiegand26', 0, 0],
    ['wiegand26', 255, 65_535],
    ['wiegand26', 18, 12_345],
    ['wiegand34', 65_535, 65_535],
    ['wiegand34', 4_660, 1],
  ];
  for (const [format, facility, cardNumber] of cases) {
    for (const [pulseWidthUs, intervalUs] of [
      [20, 200],
      [50, 2_000],
      [100, 24_000],
    ]) {
      const events = decodeTrain(
        pulseTrain(wiegandBits(format, facility, cardNumber), { pulseWidthUs, intervalUs, startUs: 7 }),
      );
      assert.deepEqual(
        events,
        [{ kind: 'card', read: { format, facility, cardNumber } }],
        `${format} ${facility}/${cardNumber} @${intervalUs}`,
      );
    }
  }
  assert.throws(() => wiegandBits('wiegand26', 256, 0), RangeError);
});

test('any single flipped bit is a parity error: rejected, counted, no card', () => {
  for (const format of ['wiegand26', 'wiegand34'] as const) {
    const bits = wiegandBits(format, 77, 4_242);
    for (let i = 0; i < bits.length; i++) {
      const decoder = new WiegandDecoder();
      const events = decodeTrain(pulseTrain(bits, { flipBits: [i] }), decoder);
      assert.deepEqual(
        events.map((e) => e.kind === 'rejected' && e.reason),
        ['parity'],
        `${format} bit ${i}`,
      );
      assert.deepEqual([decoder.counters.cards, decoder.counters.rejected.parity], [0, 1]);
    }
  }
});

test('wrong bit counts are rejected as length; endless noise as overflow', () => {
  const long = [...wiegandBits('wiegand26', 1, 1), 0 as WiegandBit];
  for (const bits of [wiegandBits('wiegand26', 1, 1).slice(1), long, bitsOf('1')]) {
    const [e] = decodeTrain(pulseTrain(bits));
    assert.deepEqual(e && e.kind === 'rejected' && [e.reason, e.bitCount], ['length', bits.length]);
  }
  const [noise] = decodeTrain(pulseTrain(new Array<WiegandBit>(100).fill(1)));
  assert.equal(noise?.kind === 'rejected' && noise.reason, 'overflow');
});

test('frames end on a gap over 25 ms, judged from timestamps: by the next pulse or by flush(nowUs)', () => {
  const decoder = new WiegandDecoder();
  const a = pulseTrain(wiegandBits('wiegand26', 1, 100), { startUs: 0 });
  const b = pulseTrain(wiegandBits('wiegand26', 2, 200), { startUs: a.at(-1)!.fallingUs + 25_001 });
  const seen: WiegandEvent[] = [];
  for (const p of [...a, ...b]) seen.push(...decoder.pulse(p.line === 'd0' ? 0 : 1, p.fallingUs));
  assert.deepEqual(
    seen.map((e) => e.kind === 'card' && e.read.cardNumber),
    [100],
    'the first pulse of b ended a',
  );
  const lastUs = b.at(-1)!.fallingUs;
  assert.equal(decoder.flush(lastUs + 25_000), null, 'exactly 25 ms of silence is not yet a gap');
  assert.equal(decoder.bitsPending, 26);
  const end = decoder.flush(lastUs + 25_001);
  assert.equal(end?.kind === 'card' && end.read.cardNumber, 200);
  assert.equal(decoder.flush(lastUs + 99_999_999), null, 'nothing pending');
  const glued = decodeTrain(
    pulseTrain([...wiegandBits('wiegand26', 1, 1), ...wiegandBits('wiegand26', 1, 1)], { intervalUs: 25_000 }),
  );
  assert.equal(glued[0]?.kind === 'rejected' && glued[0].reason, 'length', '25 ms apart is still one frame (52 bits)');
});

test('a timestamp going backwards drops the frame in progress', () => {
  const decoder = new WiegandDecoder();
  decoder.pulse(1, 1_000);
  const [e] = decoder.pulse(0, 500);
  assert.equal(e?.kind === 'rejected' && e.reason, 'time-reversed');
  assert.equal(decoder.bitsPending, 1, 'the late pulse starts a new frame');
});

test('WiegandReader on simulated GPIO lines: cards reach onCard, bad frames only the counters and log', async () => {
  const gpio = new SimWiegandGpio({ d0: 5, d1: 6 });
  const sink = new MemorySink();
  const reader = new WiegandReader(gpio, gpio.lines, { log: new JsonLogger(sink, () => 0) });
  const reads: UidRead[] = [];
  reader.onCard((r) => reads.push(r));
  const good = pulseTrain(wiegandBits('wiegand34', 300, 4_000), { startUs: 1_000 });
  gpio.play(good);
  assert.equal(reads.length, 0, 'the frame is still open');
  reader.flush(good.at(-1)!.fallingUs + 30_000);
  assert.deepEqual(reads, [{ format: 'wiegand34', facility: 300, cardNumber: 4_000 }]);
  const bad = pulseTrain(wiegandBits('wiegand26', 9, 9), { startUs: 1_000_000, flipBits: [3] });
  gpio.play(bad);
  reader.flush(bad.at(-1)!.fallingUs + 30_000);
  assert.equal(reads.length, 1);
  assert.equal(reader.counters.rejected.parity, 1);
  assert.ok(sink.lines.some((l) => l.includes('wiegand.rejected') && l.includes('parity')));
  await reader.close();
  gpio.play(good);
  reader.flush(99_000_000);
  assert.equal(reads.length, 1, 'closed: nothing watched any more');
});
