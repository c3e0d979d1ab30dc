/**
 * Long fuzz run of the protocol decoders (the same engine as
 * test/protocol/fuzz.test.ts, which runs 1,000,000 frames in CI):
 *
 *   npm run fuzz -- --frames 50000000 --seed 7
 *
 * Prints progress every 100,000 frames and the final stats; exits 1 when a
 * check failed, printing the offending input (hex) so it can become a test.
 */
import { runFuzz } from '../test/protocol/fuzz-engine.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`--${name} needs a non-negative integer, got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  return v;
}

const frames = arg('frames', 10_000_000);
const seed = arg('seed', 1);
const t0 = performance.now();
console.log(`fuzz: ${frames.toLocaleString('en')} frames, seed ${seed}`);
const stats = runFuzz({
  frames,
  seed,
  progress: (s) => {
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `  ${s.frames.toLocaleString('en')} frames, ${(s.frames / secs).toFixed(0)}/s, ${s.messagesOk} decoded ok, max buffer ${s.maxBufferedBytes} B, failures ${s.failures.length}`,
    );
  },
});
const secs = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify(
    { ...stats, seconds: Number(secs.toFixed(1)), framesPerSecond: Math.round(stats.frames / secs) },
    null,
    2,
  ),
);
if (stats.failures.length) {
  console.error(`FAILED (seed ${seed}):\n${stats.failures.join('\n')}`);
  process.exit(1);
}
