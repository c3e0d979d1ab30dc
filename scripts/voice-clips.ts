/**
 * Records the default clip set with espeak-ng (Debian package `espeak-ng`),
 * at install time on the terminal:
 *
 *   node --import tsx scripts/voice-clips.ts --out /var/lib/onecard/clips
 *
 * Writes <out>/zh/<clip>.wav and <out>/en/<clip>.wav: every word the
 * sentences in drivers/voice/sentences.ts use, the POS's refusal reasons as
 * reason-<code>.wav, and 'pause' as 150 ms of silence. A recorded set
 * replaces it by putting files of the same names in the same folders. Tests
 * never run espeak-ng; they check the option handling only.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipTexts, type Lang } from '../drivers/voice/sentences.ts';
import { REFUSAL_TEXT } from '../firmware/policy/reasons.ts';

const HELP = `usage: voice-clips --out DIR [--dry-run]
  --out DIR   folder to write zh/ and en/ clip files into
  --dry-run   list the clips and their texts, run nothing`;
/** espeak-ng voices: Mandarin ('cmn') and US English. */
const VOICE: Record<Lang, string> = { zh: 'cmn', en: 'en-us' };
/** espeak-ng writes 22050 Hz 16-bit mono; the pause matches it so aplay plays the set without a format change. */
const SAMPLE_RATE_HZ = 22_050;
const PAUSE_MS = 150;

function silenceWav(ms: number): Buffer {
  const dataBytes = Math.floor((SAMPLE_RATE_HZ * ms) / 1000) * 2;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE_HZ, 24);
  h.writeUInt32LE(SAMPLE_RATE_HZ * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([h, Buffer.alloc(dataBytes)]);
}

function parseArgs(argv: string[]): { out: string; dryRun: boolean } | { exit: number; message: string } {
  let out: string | null = null;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { exit: 0, message: HELP };
    if (a === '--dry-run') dryRun = true;
    else if (a === '--out' && argv[i + 1] !== undefined) out = argv[++i]!;
    else return { exit: 2, message: `voice-clips: unknown or incomplete option ${a}\n${HELP}` };
  }
  return out === null ? { exit: 2, message: `voice-clips: --out DIR is required\n${HELP}` } : { out, dryRun };
}

const args = parseArgs(process.argv.slice(2));
if ('exit' in args) {
  (args.exit === 0 ? console.log : console.error)(args.message);
  process.exit(args.exit);
}
let failed = 0;
for (const lang of ['zh', 'en'] as Lang[]) {
  const texts = clipTexts(lang);
  for (const [code, text] of Object.entries(REFUSAL_TEXT)) texts.set(`reason-${code}`, text[lang]);
  mkdirSync(join(args.out, lang), { recursive: true });
  for (const [clip, text] of texts) {
    const file = join(args.out, lang, `${clip}.wav`);
    if (args.dryRun) {
      console.log(`${lang}/${clip}.wav\t${text || '(silence)'}`);
      continue;
    }
    if (text === '') {
      writeFileSync(file, silenceWav(PAUSE_MS));
      continue;
    }
    const r = spawnSync('espeak-ng', ['-v', VOICE[lang], '-w', file, text], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.error || r.status !== 0) {
      failed++;
      console.error(`voice-clips: ${lang}/${clip}: ${r.error ? r.error.message : r.stderr.toString().trim()}`);
      if (r.error) break; // espeak-ng is missing: every clip would fail the same way
    }
  }
}
process.exit(failed ? 1 : 0);
