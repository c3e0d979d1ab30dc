import { benchMfrc522, type BusTimesMs, type Mfrc522BenchResult, type SaleModel } from './mfrc522.ts';

/** One row of `npm run bench`: figure, value, baseline, goal. */
export type BenchRow = readonly [name: string, value: string, baseline: string, goal: string];

const f1 = (n: number) => n.toFixed(1);
const at3 = (b: BusTimesMs) => `${f1(b.at1MHz)} / ${f1(b.at4MHz)} / ${f1(b.at10MHz)} ms`;

/** The per-command RF model, folded: "SELECT 2.5, AUTH 2.08 ×4, READ 2.5 ×9, WRITE 5.5 ×2". */
function commandsLine(s: SaleModel): string {
  const runs = new Map<string, number>();
  for (const c of s.rf.commands) {
    const key = `${c.procedure} ${c.modelMs}`;
    runs.set(key, (runs.get(key) ?? 0) + 1);
  }
  return [...runs].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
}

function rowsOf(m: Mfrc522BenchResult): BenchRow[] {
  const { dear, cheap } = m;
  const goal = `≤ ${m.tapGoalMs} ms @ 4 MHz`;
  const both = (g: (s: SaleModel) => string) => `${g(dear)} | ${g(cheap)}`;
  return [
    [`MFRC522 POS sale, ${m.uidBytes}-byte UID, levels ${m.memberLevels ? 'on' : 'off'}`, 'dearer | cheaper', '', ''],
    [
      '  card commands / SPI bus operations',
      both((s) => `${s.cardCommands} / ${s.spiTransactions}`),
      `bytes ${both((s) => `${s.spiBytes}`)}, polls ${both((s) => `${s.irqPolls}`)}`,
      '(emulator count)',
    ],
    ['  RF model (each command once)', `${both((s) => f1(s.rf.modelMs))} ms`, '', ''],
    ['  RF pessimistic bound (airtime + NXP)', `${both((s) => f1(s.rf.pessimisticMs))} ms`, '', ''],
    [
      '  SPI + detection @ 4 MHz',
      `${both((s) => f1(s.spiBusMs.at4MHz + s.detectionMs.at4MHz))} ms`,
      `+ ${m.sdFsyncMs} ms SD fsync in tap→beep`,
      '',
    ],
    ['  tap→beep MODEL 1 / 4 / 10 MHz, dearer', at3(dear.tapToBeepModelMs), '', goal],
    [
      '  tap→beep MODEL 1 / 4 / 10 MHz, cheaper',
      at3(cheap.tapToBeepModelMs),
      `pessimistic ${f1(dear.tapToBeepPessimisticMs.at4MHz)} | ${f1(cheap.tapToBeepPessimisticMs.at4MHz)} @ 4`,
      goal,
    ],
  ];
}

/** The MFRC522 rows of `npm run bench` (bench/mfrc522.ts), and the notes printed under the table. */
export async function mfrc522Report(): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const rows: BenchRow[] = [];
  const four = Uint8Array.of(0x04, 0xa1, 0xb2, 0xc3);
  const seven = Uint8Array.of(0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
  const runs: Mfrc522BenchResult[] = [];
  for (const uid of [four, seven])
    for (const memberLevels of [true, false]) runs.push(await benchMfrc522({ uid, memberLevels }));
  for (const m of runs) rows.push(...rowsOf(m));
  const [withLevels, withoutLevels] = runs as [Mfrc522BenchResult, Mfrc522BenchResult];
  return {
    rows,
    notes: [
      `MFRC522 RF model: ${withLevels.rfModel}`,
      `MFRC522 SPI model: ${withLevels.spiModel}`,
      `A POS sale's card commands (dearer slot, levels on): ${withLevels.dear.sequence}`,
      `The same, levels off: ${withoutLevels.dear.sequence}`,
      `Per command, ms (dearer slot, levels on): ${commandsLine(withLevels.dear)}`,
    ],
  };
}
