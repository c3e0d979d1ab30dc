import { amountEn } from './amount-en.ts';
import { amountZh } from './amount-zh.ts';

/**
 * What the terminal says, as clip sequences: "消费十二元五角，余额八十七元".
 * A clip is one recorded word; a sentence is the clips played back to back.
 * Refusal reasons are clips named `reason-<code>` (the POS's refusal codes),
 * recorded from the POS's own reason texts by scripts/voice-clips.ts.
 */
export type Lang = 'zh' | 'en';
export interface Sentence {
  lang: Lang;
  clips: string[];
}

const amount = (lang: Lang, cents: number): string[] => (lang === 'zh' ? amountZh(cents) : amountEn(cents));
const WORD = {
  zh: {
    paid: '消费',
    balance: '余额',
    toppedUp: '充值',
    refused: '拒绝',
    tapAgain: '请重新刷卡',
    pause: 'pause',
  },
  en: {
    paid: 'paid',
    balance: 'balance',
    toppedUp: 'topped-up',
    refused: 'refused',
    tapAgain: 'tap-again',
    pause: 'pause',
  },
} as const;

/** A short silence clip between the two halves, as a person pauses at the comma. */
const withBalance = (lang: Lang, head: string[], balanceCents: number | null): Sentence => ({
  lang,
  clips: balanceCents === null ? head : [...head, WORD[lang].pause, WORD[lang].balance, ...amount(lang, balanceCents)],
});

export const say = {
  paid: (lang: Lang, chargedCents: number, balanceCents: number | null): Sentence =>
    withBalance(lang, [WORD[lang].paid, ...amount(lang, chargedCents)], balanceCents),
  toppedUp: (lang: Lang, amountCents: number, balanceCents: number): Sentence =>
    withBalance(lang, [WORD[lang].toppedUp, ...amount(lang, amountCents)], balanceCents),
  balance: (lang: Lang, balanceCents: number): Sentence => ({
    lang,
    clips: [WORD[lang].balance, ...amount(lang, balanceCents)],
  }),
  refused: (lang: Lang, reasonCode: string): Sentence => ({
    lang,
    clips: [WORD[lang].refused, `reason-${reasonCode}`],
  }),
  tapAgain: (lang: Lang): Sentence => ({ lang, clips: [WORD[lang].tapAgain] }),
};

/** Every clip the sentences above can use, except the reasons, with the text a voice reads for it. */
export function clipTexts(lang: Lang): Map<string, string> {
  const words =
    lang === 'zh'
      ? [...'零一二三四五六七八九十百千万亿点元角分']
      : [
          ...['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'],
          ...['twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'],
          ...['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety', 'hundred'],
          ...['thousand', 'million', 'billion', 'yuan', 'and', 'cent', 'cents'],
        ];
  // 'pause' is silence: its text is empty, and the clip script writes a quiet WAV for it.
  const phrases = Object.values(WORD[lang]).map((w) => [w, w === 'pause' ? '' : w.replace('-', ' ')] as const);
  return new Map([...words.map((w) => [w, w] as const), ...phrases]);
}
