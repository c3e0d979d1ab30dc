import type { Logger } from '../../base/log.ts';
import { formatCents } from '../../base/money.ts';
import { screenText } from '../../firmware/kiosk/screen.ts';
import { KIOSK_FAULTS, type KioskFault } from '../cash/kiosk-twins.ts';
import { durationMs } from '../scenario/schema.ts';
import { type SimReaderKind, SimWorld } from '../world.ts';

/**
 * `onecard sim --role kiosk`: a self-service top-up kiosk composed from its
 * config like a device (composeTerminal), its bill validator the CCNET
 * emulator behind the real driver and its printer the ESC/POS twin behind the
 * real printer driver. A person lays a card on the reader (it stays there),
 * inserts bills, and sees the screen, the balance and each receipt as printed.
 */
const KIOSK = 'kiosk1';
const START_MS = Date.parse('2026-12-07T12:10:00+08:00');
const OPERATOR_CARD = 9001;
/** The longest `wait`: a day, as the other role sims. */
const WAIT_MS_MAX = 86_400_000;

const CARDS = {
  alice: { uid: '04a1b2c3', number: 1001, cardClass: 1, balanceCents: 1_000 },
  bob: { uid: '04112233445566', number: 1002, cardClass: 1, balanceCents: 48_000 },
  op: { uid: '04909090', number: OPERATOR_CARD, cardClass: 9 },
} as const;
type CardName = keyof typeof CARDS;

/** The twin's layout marks, left out of what a person reads (the QR's text and the cut stay). */
const LAYOUT_TAGS = /\[(INIT|GB18030|ALIGN \w+|BOLD \w+|UNDERLINE \w+|SIZE \w+|QR-MODULE \d+|QR-LEVEL \w)\]/g;

const FAULT_WORDS: Record<string, KioskFault> = {
  jam: 'jam',
  unjam: 'unjam',
  'cassette out': 'cassette-out',
  'cassette in': 'cassette-in',
  'paper out': 'paper-out',
  'paper in': 'paper-in',
};

export const KIOSK_DEMO_SCRIPT = [
  'tap alice',
  'bill 10',
  'bill 50',
  'paper out',
  'bill 20',
  'paper in',
  'wait 10s',
  'jam',
  'unjam',
  'cassette out',
  'cassette in',
  'bill 100',
  'remove',
  'tap bob',
  'bill 50',
  'remove',
  'tap op',
  'cards',
];

export class KioskSim {
  private printedChars = 0;
  private lastScreen = '';
  private onReader: CardName | null = null;

  private constructor(private readonly world: SimWorld) {}

  static async open(seed: number, log: Logger, reader: SimReaderKind = 'virtual'): Promise<KioskSim> {
    const world = new SimWorld({ seed, startMs: START_MS, log, reader });
    // Standalone (no backend): a card that leaves owing gets it at its next tap here.
    const kiosk = { topupMaxCents: 20_000, operatorCards: [OPERATOR_CARD], handOverOwed: false };
    await world.kiosks.add({
      name: KIOSK,
      id: 301,
      kiosk,
      pos: { printer: { language: 'en' }, balanceCapCents: 50_000 },
    });
    for (const [name, c] of Object.entries(CARDS)) await world.addCard({ name, ...c });
    return new KioskSim(world);
  }

  async exec(line: string): Promise<string[] | null> {
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    const [cmd, arg] = words;
    const fault = FAULT_WORDS[words.join(' ')];
    if (fault) {
      await this.world.kiosks.fault(KIOSK, fault);
      return this.news();
    }
    switch (cmd) {
      case undefined:
        return [];
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return [
          `tap CARD   lay a card on the reader, it stays there (${Object.keys(CARDS).join(', ')}; op: the operator)`,
          'remove     take the card away;  bill 50   a bill at the slot (1, 5, 10, 20, 50, 100 yuan)',
          `${Object.keys(FAULT_WORDS).join(', ')}   the validator and the printer`,
          'wait 10s   let time pass (an owed receipt is retried every 10 s);  cards   the purses',
          'receipts   all the paper so far',
        ];
      case 'tap':
        return this.tap(arg);
      case 'remove':
        if (this.onReader === null) return ['no card on the reader'];
        this.onReader = null;
        await this.world.kiosks.cardGone(KIOSK);
        return this.news();
      case 'bill': {
        const yuan = Number(arg);
        if (!/^\d+$/.test(arg ?? '')) return ['bill N: a whole number of yuan (1, 5, 10, 20, 50, 100)'];
        const refused = await this.world.kiosks.bill(KIOSK, yuan * 100);
        return refused === null ? this.news() : [refused];
      }
      case 'wait': {
        const ms = /^\d+(ms|s|m|h|d)$/.test(arg ?? '') ? durationMs(arg!) : Number.NaN;
        if (!(ms <= WAIT_MS_MAX)) return ['wait: a duration like 10s, 5m, 3h; at most 1d'];
        this.world.clock.advance(ms);
        await this.world.kiosks.run(KIOSK, 1);
        return this.news();
      }
      case 'cards':
        return this.cards();
      case 'receipts':
        return this.world.kiosks.twins(KIOSK).printer.transcript().split('\n');
      default:
        return [`unknown command "${words.join(' ')}" (help; faults: ${KIOSK_FAULTS.join(', ')})`];
    }
  }

  private async tap(name: string | undefined): Promise<string[]> {
    if (name === undefined || !Object.hasOwn(CARDS, name))
      return [`no card "${name ?? ''}" (${Object.keys(CARDS).join(', ')})`];
    if (this.onReader !== null) await this.world.kiosks.cardGone(KIOSK);
    this.onReader = name as CardName;
    await this.world.kiosks.tap(KIOSK, name);
    await this.world.kiosks.run(KIOSK, 2); // the bill types this card may take reach the validator
    return this.news();
  }

  /** The screen when it changed, then any paper the printer put out since the last command. */
  private news(): string[] {
    const out: string[] = [];
    const [zh, en] = screenText(this.world.kiosks.app(KIOSK).screen);
    const screen = `screen: ${zh}\n        ${en}`;
    if (screen !== this.lastScreen) out.push(...screen.split('\n'));
    this.lastScreen = screen;
    const paper = this.world.kiosks.twins(KIOSK).printer.transcript();
    const fresh = paper.slice(this.printedChars).trim();
    this.printedChars = paper.length;
    if (fresh) out.push('printer:', ...fresh.split('\n').map((l) => `  | ${l.replace(LAYOUT_TAGS, '')}`));
    return out;
  }

  private async cards(): Promise<string[]> {
    const out: string[] = [];
    for (const name of Object.keys(CARDS)) {
      const c = await this.world.inspect(name);
      out.push(`${name}: card ${c.identity.cardNumber} balance ${formatCents(c.purse.balance + c.purse.subsidy)}`);
    }
    const box = this.world.kiosks.app(KIOSK).health();
    out.push(
      `bill acceptor: ${box.health}; cassette holds ${this.world.kiosks.twins(KIOSK).emulator.cassette.length} bills`,
    );
    return out;
  }

  close(): void {
    this.world.close();
  }
}
