import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type GpiodVersion,
  type GpiomonItem,
  GPIOMON_LINE_CHARS_MAX,
  initialGpiomon,
  nextGpiomon,
} from '../../../drivers/gpio/gpiomon-parser.ts';

function feed(chunks: string[], version: GpiodVersion): GpiomonItem[] {
  let state = initialGpiomon;
  const items: GpiomonItem[] = [];
  for (const c of chunks) {
    const r = nextGpiomon(state, c, version);
    state = r.state;
    items.push(...r.items);
  }
  return items;
}

/** Every way to cut `text` into 1, 2 or 3 chunks. */
function* chunkings(text: string): Generator<string[]> {
  yield [text];
  for (let i = 0; i <= text.length; i++) {
    yield [text.slice(0, i), text.slice(i)];
    for (let j = i; j <= text.length; j++) yield [text.slice(0, i), text.slice(i, j), text.slice(j)];
  }
}

const V1 = '17 0 1234 567890123\n27 1 1234 5000\n\nnoise here\n17 1 1235 0\n';
const V1_ITEMS: GpiomonItem[] = [
  { kind: 'edge', line: 17, level: 0, timestampUs: 1_234_567_890 },
  { kind: 'edge', line: 27, level: 1, timestampUs: 1_234_000_005 },
  { kind: 'garbled', text: 'noise here' },
  { kind: 'edge', line: 17, level: 1, timestampUs: 1_235_000_000 },
];

test('gpiomon 1.x lines parse the same at every chunking', () => {
  let n = 0;
  for (const chunks of chunkings(V1)) {
    assert.deepEqual(feed(chunks, 1), V1_ITEMS, JSON.stringify(chunks));
    n++;
  }
  assert.ok(n > 1000, `${n} chunkings`);
  // And one character at a time.
  assert.deepEqual(feed([...V1], 1), V1_ITEMS);
});

test('gpiomon 2.x lines parse the same at every chunking', () => {
  const v2 = '5 falling 7426.253930779\n6 rising 7426.253932000\n5 sideways 1.000000000\n';
  const expected: GpiomonItem[] = [
    { kind: 'edge', line: 5, level: 0, timestampUs: 7_426_253_930 },
    { kind: 'edge', line: 6, level: 1, timestampUs: 7_426_253_932 },
    { kind: 'garbled', text: '5 sideways 1.000000000' },
  ];
  for (const chunks of chunkings(v2)) assert.deepEqual(feed(chunks, 2), expected, JSON.stringify(chunks));
});

test('a line of the other version, or half a timestamp, is garbled, not guessed', () => {
  assert.deepEqual(
    feed(['17 falling 1.000000000\n', '17 0 12.5 3\n', '17 2 1 1\n'], 1).map((i) => i.kind),
    ['garbled', 'garbled', 'garbled'],
  );
  assert.deepEqual(
    feed(['17 0 1 5\n', '17 rising 1.5\n'], 2).map((i) => i.kind),
    ['garbled', 'garbled'],
  );
});

test('an overlong line is dropped up to its newline, and the next line parses', () => {
  const long = 'x'.repeat(GPIOMON_LINE_CHARS_MAX + 10);
  const items = feed([long.slice(0, 70), long.slice(70), '\n17 1 2 0\n'], 1);
  assert.equal(items.length, 2);
  assert.equal(items[0]!.kind, 'garbled');
  assert.deepEqual(items[1], { kind: 'edge', line: 17, level: 1, timestampUs: 2_000_000 });
});
