import { benchMfrc522, type BusTimesMs, type Mfrc522BenchResult, type SaleModel } from './mfrc522.ts';

/** One row of `npm run bench`: figure, value, baseline, goal. */
export type BenchRow = readonly [name: string, value: string, baseline: string, goal: string];

const f1 = (n: number) => n.toFixed(1);
const at3 = (b: BusTimesMs) => `${f1(b.at1MHz)} / ${f1(b.at4MHz)} / ${f1(b.at10MHz)} ms`;

/** The per-command RF model, folded: "SELECT 2.5, AUTH 2 ×4, READ 2.5 ×11, WRITE 5.5 ×2". */
function commandsLine(s: SaleModel): string {
  const runs = new Map<string, { ms: number; n: number }>();
  for (const c of s.rf.commands) {
    const key = `${c.procedure} ${c.modelMs}`;
    const run = runs.get(key);
    if (run) run.n++;
    else runs.set(key, { ms: c.modelMs, n: 1 });
  }
  return [...runs.keys()].map((k) => (runs.get(k)!.n > 1 ? `${k} ×${runs.get(k)!.n}` : k)).join(', ');
}

function saleRows(label: string, s: SaleModel, goal: string): BenchRow[] {
  return [
    [
      `  ${label}: card commands, SPI ops`,
      `${s.cardCommands} cmds, ${s.spiTransactions} ops`,
      `${s.spiBytes} B, ${s.spiFrames} chip selects, ${s.irqPolls} polls`,
      '(emulator count)',
    ],
    [`    RF model (each command once)`, `${f1(s.rf.modelMs)} ms`, `pessimistic bound ${f1(s.rf.pessimisticMs)} ms`, ''],
    [`    SPI bus + detection 1 / 4 / 10 MHz`, at3({ ...sum(s.spiBusMs, s.detectionMs) }), '', ''],
    [`    tap→beep MODEL 1 / 4 / 10 MHz`, at3(s.tapToBeepModelMs), `pessimistic ${at3(s.tapToBeepPessimisticMs)}`, goal],
  ];
}

function sum(a: BusTimesMs, b: BusTimesMs): BusTimesMs {
  return { at1MHz: a.at1MHz + b.at1MHz, at4MHz: a.at4MHz + b.at4MHz, at10MHz: a.at10MHz + b.at10MHz };
}

/** The MFRC522 rows of `npm run bench` (bench/mfrc522.ts), and the notes printed under the table. */
export async function mfrc522Report(): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const rows: BenchRow[] = [];
  let first: Mfrc522BenchResult | null = null;
  for (const uid of [Uint8Array.of(0x04, 0xa1, 0xb2, 0xc3), Uint8Array.of(0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66)]) {
    const m = await benchMfrc522({ uid });
    first ??= m;
    const goal = `≤ ${m.tapGoalMs} ms @ 4 MHz`;
    rows.push([`MFRC522 POS sale, ${m.uidBytes}-byte UID`, '', `+ ${m.sdFsyncMs} ms SD fsync in tap→beep`, '']);
    rows.push(...saleRows('dearer sale (re-auth)', m.dear, goal), ...saleRows('cheaper sale', m.cheap, goal));
  }
  const m = first!;
  return {
    rows,
    notes: [
      `MFRC522 RF model: ${m.rfModel}`,
      `MFRC522 SPI model: ${m.spiModel}`,
      `A POS sale's card commands (the dearer slot): ${m.dear.sequence}`,
      `Per command, ms (the dearer slot): ${commandsLine(m.dear)}`,
    ],
  };
}
