import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { amountEn } from '../../../drivers/voice/amount-en.ts';
import { amountZh, integerZh } from '../../../drivers/voice/amount-zh.ts';
import { AplayPlayer } from '../../../drivers/voice/player.ts';
import { clipTexts, type Lang, say } from '../../../drivers/voice/sentences.ts';
import { VoiceTwin } from '../../../simulator/voice/twin.ts';

const golden = JSON.parse(readFileSync(new URL('../../vectors/voice/amounts.json', import.meta.url), 'utf8')) as {
  amounts: { cents: number; zh: string[]; en: string[] }[];
  sentences: { zh: string[]; en: string[] }[];
};

test('amounts are read the way people say them, in Mandarin and English (hand-written golden)', () => {
  for (const a of golden.amounts) {
    assert.deepEqual(amountZh(a.cents), a.zh, `zh ${a.cents}`);
    assert.deepEqual(amountEn(a.cents), a.en, `en ${a.cents}`);
  }
  assert.deepEqual(say.paid('zh', 1250, 8700).clips, golden.sentences[0]!.zh);
  assert.deepEqual(say.paid('en', 1250, 8700).clips, golden.sentences[0]!.en);
});

test('Mandarin zero rules: one 零 per gap, none at the end, 十 not 一十 at the head', () => {
  const read = (n: number) => integerZh(n).join('');
  assert.equal(read(15), '十五');
  assert.equal(read(110), '一百一十');
  assert.equal(read(1001), '一千零一');
  assert.equal(read(100_000_001), '一亿零一');
  assert.equal(read(100_010_000), '一亿零一万');
  assert.equal(read(2_000_100), '二百万零一百');
  assert.throws(() => amountZh(12.5), RangeError);
});

test('every clip a sentence uses is in the clip set the script records', () => {
  for (const lang of ['zh', 'en'] as Lang[]) {
    const set = clipTexts(lang);
    for (let cents = 0; cents < 200_000; cents += 7) {
      for (const c of say.paid(lang, cents, cents * 3).clips) assert.ok(set.has(c), `${lang} ${cents}: ${c}`);
    }
  }
});

/** A fake `aplay`: records its arguments, exits when told, dies on kill. */
function fakeSpawn() {
  const runs: { args: string[]; child: ChildProcess & EventEmitter; killed: string[] }[] = [];
  const spawn = (_cmd: string, args: string[]) => {
    const child = new EventEmitter() as ChildProcess & EventEmitter;
    const run = { args, child, killed: [] as string[] };
    (child as unknown as { kill: (s: string) => boolean }).kill = (s: string) => {
      run.killed.push(s);
      child.emit('exit', null, s);
      return true;
    };
    runs.push(run);
    return child;
  };
  return { runs, spawn };
}
function clipDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clips-'));
  for (const lang of ['zh', 'en'] as Lang[]) {
    mkdirSync(join(dir, lang));
    for (const clip of clipTexts(lang).keys()) writeFileSync(join(dir, lang, `${clip}.wav`), '');
  }
  return dir;
}

test('aplay gets the clip files in order; a new sentence interrupts the one playing', async () => {
  const { runs, spawn } = fakeSpawn();
  const dir = clipDir();
  const player = AplayPlayer.open(dir, spawn);
  const first = player.say(say.paid('zh', 1250, 8700));
  assert.deepEqual(runs[0]!.args.slice(0, 3), ['-q', join(dir, 'zh', '消费.wav'), join(dir, 'zh', '十.wav')]);
  const second = player.say(say.balance('en', 5));
  assert.equal(await first, 'interrupted');
  assert.deepEqual(runs[0]!.killed, ['SIGTERM']);
  runs[1]!.child.emit('exit', 0, null);
  assert.equal(await second, 'done');
});

test('a sentence with a clip missing is refused before anything plays', async () => {
  const { runs, spawn } = fakeSpawn();
  const player = AplayPlayer.open(clipDir(), spawn);
  assert.deepEqual(await player.say(say.refused('zh', 'blacklisted')), {
    error: 'voice: no zh clip reason-blacklisted',
  });
  assert.equal(runs.length, 0);
});

test('the twin records what was said and what a new tap cut short', async () => {
  const voice = new VoiceTwin();
  const first = voice.say(say.paid('zh', 1250, 8700));
  const second = voice.say(say.tapAgain('zh'));
  voice.finish();
  assert.equal(await first, 'interrupted');
  assert.equal(await second, 'done');
  assert.deepEqual(
    voice.said.map((s) => [s.text, s.outcome]),
    [
      ['消费十二元五角pause余额八十七元', 'interrupted'],
      ['请重新刷卡', 'done'],
    ],
  );
});
