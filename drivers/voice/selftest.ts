import type { SayResult, VoicePlayer } from './player.ts';
import { type Lang, say } from './sentences.ts';

/** `onecard selftest voice`: the sentence a sale says (消费十二元五角，余额八十七元) in the terminal's language. */
export const voiceSelftest = (player: VoicePlayer, lang: Lang): Promise<SayResult> =>
  player.say(say.paid(lang, 1250, 8700));
