import type { SayResult, VoicePlayer } from '../../drivers/voice/player.ts';
import type { Sentence } from '../../drivers/voice/sentences.ts';

/**
 * The voice's twin: records what was said and whether it was cut short. A
 * sentence "plays" until `finish()` (the test decides when the speaker is
 * done) or until the next `say` interrupts it, as on the terminal.
 */
export interface Said {
  sentence: Sentence;
  text: string;
  outcome: 'playing' | SayResult;
}

export class VoiceTwin implements VoicePlayer {
  readonly said: Said[] = [];
  private current: { entry: Said; resolve: (r: SayResult) => void } | null = null;

  say(sentence: Sentence): Promise<SayResult> {
    this.stop();
    const entry: Said = { sentence, text: sentence.clips.join(sentence.lang === 'zh' ? '' : ' '), outcome: 'playing' };
    this.said.push(entry);
    return new Promise((resolve) => {
      this.current = { entry, resolve };
    });
  }

  /** The speaker reaches the end of the sentence playing. */
  finish(): void {
    this.end('done');
  }

  stop(): void {
    this.end('interrupted');
  }

  private end(outcome: SayResult): void {
    if (!this.current) return;
    this.current.entry.outcome = outcome;
    this.current.resolve(outcome);
    this.current = null;
  }
}
