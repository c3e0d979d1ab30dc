import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT_OK } from '../../base/cli-args.ts';
import { type FaceTest, selftestFace } from '../../app/selftest-face.ts';

/** Each face selftest with --emulator: the real driver on its twin, and what a person would see or hear. */
async function run(t: FaceTest, options: Record<string, unknown>): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await selftestFace(
    t,
    { emulator: true, ...options },
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  return { code, out };
}

test('selftest display --emulator: the pattern read back from the ST7920 bytes, Chinese row included', async () => {
  const r = await run('display', {});
  assert.equal(r.code, EXIT_OK);
  assert.deepEqual(r.out.slice(0, 2), ['|16x4012345678901|', '|一卡通显示屏测试|']);
});

test('selftest customer-display --emulator: each lamp in turn at all segments, then blank', async () => {
  const r = await run('customer-display', {});
  assert.equal(r.code, EXIT_OK);
  assert.deepEqual(
    r.out.slice(0, 4),
    [1, 2, 3, 4].map((lamp) => `lamp ${lamp}: 888888.88`),
  );
});

test('selftest keypad --emulator: the scripted event bytes echoed as POS keys until cancel', async () => {
  const r = await run('keypad', {});
  assert.equal(r.code, EXIT_OK);
  assert.deepEqual(
    r.out.slice(1),
    ['1', '2', '.', '5', 'confirm', 'back', 'cancel'].map((k) => `key ${k}`),
  );
});

test('selftest voice --emulator: the sale sentence in the language asked', async () => {
  const r = await run('voice', { lang: 'zh' });
  assert.equal(r.code, EXIT_OK);
  assert.deepEqual(r.out, ['said: 消费十二元五角pause余额八十七元', 'voice: done']);
});
