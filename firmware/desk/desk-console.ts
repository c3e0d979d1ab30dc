import type { Scheduler } from '../../base/scheduler.ts';
import type { CardReader } from '../../drivers/card/index.ts';
import type { CardSession } from '../card/session.ts';
import type { TerminalConfig } from '../config/schema.ts';
import { CARD_VALID_DAYS, DESK_USAGE, parseDeskCommand, type DeskCommand } from './commands.ts';
import type { DeskApp } from './desk.ts';
import { PIN_PATTERN, type DeskOp } from './desk-ops.ts';
import type { CardNumbers } from './numbering.ts';

/**
 * The card-office operator's console, the one dispatch of the desk's commands:
 * on a desk terminal (`onecard desk`, app/desk/desk-command.ts) and in the
 * simulator (`onecard sim --role desk`, which adds only its own commands around
 * it). A typed line is parsed by the desk's one parser (commands.ts), the
 * operation is asked of the DeskApp, and the console waits for the card on the
 * reader; what only the backend can do (loss, unloss) goes to its admin
 * command. Lines out, never exceptions.
 */
export interface DeskConsoleDeps {
  desk: DeskApp;
  reader: CardReader;
  /** A twin reader's field (`blank`, `remove`), null on hardware and in the simulator (its card in hand). */
  field: TwinField | null;
  config: TerminalConfig;
  scheduler: Scheduler;
  /** Today as a card day, on the terminal's clock. */
  today: () => number;
  /** The numbers new cards get (numbering.ts: this desk's range). */
  cardNumbers: CardNumbers;
  /** On the terminal's blacklist: a number listed (a data dir set up anew) is passed over for good. */
  listed: (cardNumber: number) => boolean;
  /** The backend's admin command (lines back), or null when this desk cannot reach it. */
  admin: ((args: string[]) => Promise<string[]>) | null;
  /** How long an operation waits for its card before it is abandoned. */
  cardWaitMs: number;
  /** Said when no card came (the device: none on the reader in time; the simulator: none in hand). */
  noCard: string;
}

/**
 * A twin reader's field as the console's `blank` and `remove` commands reach
 * it: with no hardware, the operator puts a blank card on the reader by typing
 * (app/desk/twin-field.ts).
 */
export interface TwinField {
  /** A new blank card (transport keys) on the reader, replacing whatever lay there; its UID in hex. */
  placeBlank(): Promise<string>;
  remove(): void;
}

/** How often the reader is asked for a card while an operation waits (the MFRC522's detect adds up to 25 ms). */
export const CARD_POLL_MS = 50;

export const DESK_HELP = [
  `${DESK_USAGE.issue}  开户: issue the blank card on the reader to NAME (class: the config's first`,
  '                      non-operator class unless named; deposit written with its point: 500.00)',
  `${DESK_USAGE.deposit}        充值: cash onto the card on the reader`,
  'read                  the card on the reader: identity, balance, counter, listed or not',
  'refund | cancel       退卡/销户: pay the balance out in cash, wipe the card; the backend lists the number',
  'replace OLD NAME      补卡: the blank on the reader replaces lost card OLD; the backend carries its balance',
  'pin | pin remove      设置密码: a new PIN for the card on the reader, typed next (twice, not shown); or none',
  'lost | found CARD     挂失 / 解挂 at the backend: every online terminal refuses the card, or takes it again',
  'abandon               drop an operation left waiting for its card',
  'blank | remove        (twin reader only) a new blank card on the reader / take the card away',
  'help | quit',
];

/** The desk's range of numbers (protocol/desk-range.ts) ends; another terminal id opens a new one. */
const USED_UP = "issue: this desk's card numbers are used up: give the desk a terminal id no terminal had";

type CardWait = { kind: 'card'; session: CardSession } | { kind: 'none' } | { kind: 'fault'; message: string };

/** A PIN being typed: the next line is the PIN, then the same again. Held only here, in memory. */
type PinEntry = { stage: 'first' } | { stage: 'again'; pin: string };

export class DeskConsole {
  private pinEntry: PinEntry | null = null;

  constructor(private readonly d: DeskConsoleDeps) {}

  /** The next line is a PIN: an interactive console does not echo it. */
  get wantsSecret(): boolean {
    return this.pinEntry !== null;
  }

  /** One typed line; null: the operator asked to quit. */
  async exec(line: string): Promise<string[] | null> {
    if (this.pinEntry) return this.pinLine(line.trim(), this.pinEntry);
    const twin = await this.twinCommand(line.trim());
    if (twin) return twin;
    const parsed = parseDeskCommand(line);
    if (!parsed.ok) return [parsed.message];
    return this.run(parsed.command);
  }

  private async run(c: DeskCommand): Promise<string[] | null> {
    switch (c.kind) {
      case 'empty':
        return [];
      case 'quit':
        return null;
      case 'help':
        return this.d.field ? DESK_HELP : DESK_HELP.filter((l) => !l.startsWith('blank'));
      case 'abandon':
        return this.d.desk.abandon();
      case 'issue':
        return this.issue(c.holder, c.cardClass, c.depositCents, null);
      case 'deposit':
        return this.atReader({ kind: 'deposit', amountCents: c.amountCents });
      case 'read':
        return this.atReader({ kind: 'read' });
      case 'cancel':
        return this.atReader({ kind: 'cancel' });
      case 'replace':
        if (c.old === null || c.holder === null) return [`replace OLD NAME: the lost card's number and the holder`];
        return this.issue(c.holder, null, 0, c.old);
      case 'pin':
        if (c.remove) return this.atReader({ kind: 'pin', pin: null });
        this.pinEntry = { stage: 'first' };
        return ['new PIN (4 to 6 digits; not shown):'];
      case 'lost':
      case 'found':
        if (c.cardNumber === null) return [`${DESK_USAGE.lost}: which card number?`];
        return this.backend(['card', c.kind, String(c.cardNumber)], `${c.kind} ${c.cardNumber}`);
    }
  }

  /** A typed PIN, never repeated in an answer: checked, then asked again, then written to the card on the reader. */
  private async pinLine(typed: string, entry: PinEntry): Promise<string[]> {
    this.pinEntry = null;
    if (entry.stage === 'first') {
      if (!PIN_PATTERN.test(typed)) return ['a PIN is 4 to 6 digits: nothing changed'];
      this.pinEntry = { stage: 'again', pin: typed };
      return ['the same PIN again:'];
    }
    if (typed !== entry.pin) return ['the two PINs differ: nothing changed'];
    return this.atReader({ kind: 'pin', pin: typed });
  }

  private async twinCommand(line: string): Promise<string[] | null> {
    if (line !== 'blank' && line !== 'remove') return null;
    if (!this.d.field) return [`${line}: only a twin reader takes typed cards; place a real card on the reader`];
    if (line === 'remove') {
      this.d.field.remove();
      return ['the reader is empty'];
    }
    return [`a blank card (uid ${await this.d.field.placeBlank()}) lies on the reader`];
  }

  private async issue(holder: string, cardClass: number | null, depositCents: number, replaces: number | null) {
    const defaultClass = this.d.config.cardClasses.find((k) => !k.operator)?.id;
    const klass = cardClass ?? defaultClass;
    if (klass === undefined) return ['issue: the config has no card class for holders; name one'];
    const spec = {
      ...{ holder, cardClass: klass, expiryDay: this.d.today() + CARD_VALID_DAYS, pin: null },
      ...{ depositCents, replaces },
    };
    let cardNumber = this.d.cardNumbers.next();
    while (cardNumber !== null && this.d.listed(cardNumber)) {
      this.d.cardNumbers.used(cardNumber);
      cardNumber = this.d.cardNumbers.next();
    }
    if (cardNumber === null) return [this.d.cardNumbers.whyNone?.() ?? USED_UP];
    // Spent once a card is on the reader: a refused or abandoned issue burns none.
    return this.atReader({ kind: 'issue', spec: { ...spec, cardNumber } }, () => this.d.cardNumbers.used(cardNumber));
  }

  /**
   * Asks the desk for `op`, then waits for the card; a card cut mid-write is waited for again.
   * `accepted` runs once, when the first card arrives (an issue's number is then spent).
   */
  private async atReader(op: DeskOp, accepted: () => void = () => {}): Promise<string[]> {
    // Read through a function: each await may move the desk's state.
    const mode = () => this.d.desk.state.mode;
    const out = this.d.desk.request(op);
    if (mode() === 'idle' || out.some((l) => l.startsWith('finish first'))) return out;
    let tapped = false;
    while (mode() !== 'idle') {
      const card = await this.waitForCard();
      if (card.kind !== 'card') {
        const why = card.kind === 'fault' ? `the reader failed: ${card.message}` : this.d.noCard;
        out.push(why, ...this.d.desk.abandon());
        return out;
      }
      // The card is here: from now on the operation journals under what it was asked with.
      if (!tapped) accepted();
      tapped = true;
      const shown = await this.d.desk.tap(card.session);
      // The wrong card lying on the reader while a cut write waits for its own: said once, then waited out.
      if (shown.join('\n') !== out.at(-1)) out.push(...shown);
      // Refused on this card (not blank, listed…): the operation stays asked; the operator decides.
      if (mode() === 'await-card') {
        out.push(...this.d.desk.abandon());
        return out;
      }
    }
    return out;
  }

  private async waitForCard(): Promise<CardWait> {
    const polls = Math.max(1, Math.ceil(this.d.cardWaitMs / CARD_POLL_MS));
    for (let i = 0; i < polls; i++) {
      if (i > 0) await new Promise<void>((resolve) => this.d.scheduler.after(CARD_POLL_MS, resolve));
      try {
        const session = await this.d.reader.detect();
        if (session) return { kind: 'card', session };
      } catch (e) {
        return { kind: 'fault', message: (e as Error).message };
      }
    }
    return { kind: 'none' };
  }

  private async backend(args: string[], what: string): Promise<string[]> {
    if (!this.d.admin)
      return [
        `${what}: needs the backend — run "onecard backend ${args.join(' ')}" there,`,
        '  or start this console with --backend-db FILE on the backend machine',
      ];
    return this.d.admin(args);
  }
}
