import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn as nodeSpawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang, Sentence } from './sentences.ts';

/**
 * Plays sentences. A new `say` interrupts a sentence still playing (a new
 * tap must not wait for the last one's balance), whose promise then resolves
 * 'interrupted'. Failures are values.
 */
export type SayResult = 'done' | 'interrupted' | { error: string };
export interface VoicePlayer {
  say(sentence: Sentence): Promise<SayResult>;
  stop(): void;
}

type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

/**
 * `aplay` (alsa-utils) given every clip of a sentence as arguments: it plays
 * them back to back with no gap from process start-up between clips. The
 * clip set is a folder per language of `<clip>.wav` files, listed once at
 * open, so a sentence with a missing clip is refused before anything plays.
 */
export class AplayPlayer implements VoicePlayer {
  private playing: { child: ChildProcess; interrupted: boolean } | null = null;

  private constructor(
    private readonly clipDir: string,
    private readonly clips: Record<Lang, ReadonlySet<string>>,
    private readonly spawn: Spawn,
  ) {}

  static open(clipDir: string, spawn: Spawn = nodeSpawn): AplayPlayer {
    const list = (lang: Lang): Set<string> => {
      try {
        return new Set(readdirSync(join(clipDir, lang)).flatMap((f) => (f.endsWith('.wav') ? [f.slice(0, -4)] : [])));
      } catch {
        return new Set();
      }
    };
    return new AplayPlayer(clipDir, { zh: list('zh'), en: list('en') }, spawn);
  }

  say(sentence: Sentence): Promise<SayResult> {
    const missing = sentence.clips.filter((c) => !this.clips[sentence.lang].has(c));
    if (missing.length > 0) return Promise.resolve({ error: `voice: no ${sentence.lang} clip ${missing.join(', ')}` });
    this.stop();
    const files = sentence.clips.map((c) => join(this.clipDir, sentence.lang, `${c}.wav`));
    const child = this.spawn('aplay', ['-q', ...files], { stdio: 'ignore' });
    const run = { child, interrupted: false };
    this.playing = run;
    return new Promise((resolve) => {
      child.once('error', (err) => resolve({ error: `voice: aplay: ${err.message}` }));
      child.once('exit', (code) => {
        if (this.playing === run) this.playing = null;
        if (run.interrupted) resolve('interrupted');
        else resolve(code === 0 ? 'done' : { error: `voice: aplay exited ${code}` });
      });
    });
  }

  stop(): void {
    if (!this.playing) return;
    this.playing.interrupted = true;
    this.playing.child.kill('SIGTERM');
    this.playing = null;
  }
}
