import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Face } from '../app/face.ts';
import { silentLogger } from '../base/log.ts';
import type { Display } from '../drivers/display/index.ts';
import { St7920Display } from '../drivers/display/st7920.ts';
import { AplayPlayer } from '../drivers/voice/player.ts';
import { clipTexts } from '../drivers/voice/sentences.ts';
import { screens } from '../firmware/pos/screen.ts';
import { St7920Twin } from '../simulator/display/st7920-twin.ts';

/**
 * The same two figures as bench/face.ts, through the composition's Face:
 * a POS output handed to `present` → the ST7920's last byte in the twin, and
 * → the player process spawned (the voice is started before the display is
 * awaited, so it must not wait for the panel). bench/face.ts's driver-only
 * and spawn-only figures are the baselines of the same run: the difference
 * is what the wiring costs.
 */
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

export async function benchFaceComposed(rounds = 40) {
  const dir = mkdtempSync(join(tmpdir(), 'onecard-bench-voice-'));
  try {
    mkdirSync(join(dir, 'zh'));
    for (const clip of clipTexts('zh').keys()) writeFileSync(join(dir, 'zh', `${clip}.wav`), '');
    let spawned: (at: number) => void = () => {};
    let exited: () => void = () => {};
    // `true` stands in for aplay: the figure is our side (list, spawn), not ALSA's device open.
    const player = AplayPlayer.open(dir, (_cmd, _args, opts): ChildProcess => {
      const child = spawn('true', [], opts);
      child.once('spawn', () => spawned(performance.now()));
      child.once('exit', () => exited());
      return child;
    });
    const twin = new St7920Twin();
    const st7920 = await St7920Display.open(twin, async () => {});
    // The moment the panel's last byte is handed over, not when present() returns (it goes on to the voice).
    let shownAt = 0;
    const display: Display = {
      panel: st7920.panel,
      show: async (lines) => {
        const r = await st7920.show(lines);
        shownAt = performance.now();
        return r;
      },
      close: () => st7920.close(),
    };
    const face = new Face(
      { display, voice: { player, lang: 'zh' } },
      () => ({ time: '12:34', online: true }),
      silentLogger,
    );
    const displayMs: number[] = [];
    const playerMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const out = { screen: screens.paid(1250 + i, 8700 + i, 'cents'), beeps: [], receipts: [] };
      const started = new Promise<number>((resolve) => {
        spawned = resolve;
      });
      const done = new Promise<void>((resolve) => {
        exited = resolve;
      });
      const t = performance.now();
      await face.present(out);
      displayMs.push(shownAt - t);
      playerMs.push((await started) - t);
      await done;
    }
    return {
      displayP50Ms: pct(displayMs, 0.5),
      displayP99Ms: pct(displayMs, 0.99),
      playerP50Ms: pct(playerMs, 0.5),
      playerP99Ms: pct(playerMs, 0.99),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
