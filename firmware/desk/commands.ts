import { parseAmount, parseAmountText } from '../core/money.ts';

/**
 * The card-office operator's command line, one parser for the simulator's desk
 * shell (`onecard sim --role desk`) and a real desk's console (`onecard desk`).
 * Pure: a typed line becomes a command value or one line saying what to type.
 * What a command does is the caller's: the simulator allocates numbers and
 * holds the card in hand, the device waits for the card on its reader.
 *
 * Amounts carry their decimal point ("500.00") so a card class (a bare number)
 * is never read as a deposit: `issue Wang Fang 2 500.00`.
 */
export type DeskCommand =
  | { kind: 'empty' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'abandon' }
  /** 开户: `cardClass` null for the desk's default class. */
  | { kind: 'issue'; holder: string; cardClass: number | null; depositCents: number }
  | { kind: 'deposit'; amountCents: number }
  | { kind: 'read' }
  /** 退卡/销户 (typed as refund or cancel). */
  | { kind: 'cancel' }
  /** 挂失 / 解挂 of a card number; null: the card in hand (the simulator's). */
  | { kind: 'lost' | 'found'; cardNumber: number | null }
  /** 补卡: a new card replacing `old` (null: the card in hand), issued to `holder` (null: the old card's). */
  | { kind: 'replace'; old: number | null; holder: string | null }
  /** Set or change the PIN of the card on the reader (typed next, never on this line), or remove it. */
  | { kind: 'pin'; remove: boolean };

/** A new card is valid for three years (the office's usual term). */
export const CARD_VALID_DAYS = 3 * 365;

export type ParsedDeskCommand = { ok: true; command: DeskCommand } | { ok: false; message: string };

/** The usage of each command, as the help shows it and a mistake repeats it. */
export const DESK_USAGE = {
  issue: 'issue NAME [CLASS] [DEPOSIT]',
  deposit: 'deposit AMOUNT',
  replace: 'replace [OLD] [NAME]',
  lost: 'lost|found [CARD]',
  pin: 'pin [remove]',
} as const;

/** A deposit is written with its decimal point; at most two decimals (cents). */
const AMOUNT_TEXT = /^\d+\.\d{1,2}$/;
/** A card class is a small number (the config's cardClasses ids fit a byte on the card). */
const CLASS_TEXT = /^\d{1,3}$/;
const CARD_NUMBER_TEXT = /^\d{1,10}$/;

const ok = (command: DeskCommand): ParsedDeskCommand => ({ ok: true, command });
const no = (message: string): ParsedDeskCommand => ({ ok: false, message });

export function parseDeskCommand(line: string): ParsedDeskCommand {
  const [verb, ...args] = line.trim().split(/\s+/);
  switch (verb) {
    case undefined:
    case '':
      return ok({ kind: 'empty' });
    case 'help':
    case '?':
      return ok({ kind: 'help' });
    case 'quit':
    case 'exit':
      return ok({ kind: 'quit' });
    case 'abandon':
      return ok({ kind: 'abandon' });
    case 'issue':
      return parseIssue(args);
    case 'deposit': {
      const cents = args.length === 1 ? parseAmount(args[0]) : null;
      return cents === null
        ? no(`${DESK_USAGE.deposit}: an amount like 100.00`)
        : ok({ kind: 'deposit', amountCents: cents });
    }
    case 'read':
      return args.length === 0 ? ok({ kind: 'read' }) : no('read: takes nothing (the card on the reader is read)');
    case 'refund':
    case 'cancel':
      return args.length === 0 ? ok({ kind: 'cancel' }) : no(`${verb}: takes nothing (the card on the reader)`);
    case 'lost':
    case 'found': {
      if (args.length === 0) return ok({ kind: verb, cardNumber: null });
      const n = args.length === 1 ? cardNumber(args[0]) : null;
      return n === null ? no(`${DESK_USAGE.lost}: a card number like 10001`) : ok({ kind: verb, cardNumber: n });
    }
    case 'replace': {
      if (args.length === 0) return ok({ kind: 'replace', old: null, holder: null });
      const old = cardNumber(args[0]);
      if (old === null) return no(`${DESK_USAGE.replace}: OLD is the lost card's number, like 10001`);
      const holder = args.slice(1).join(' ');
      return ok({ kind: 'replace', old, holder: holder || null });
    }
    case 'pin':
      if (args.length === 0) return ok({ kind: 'pin', remove: false });
      if (args.length === 1 && args[0] === 'remove') return ok({ kind: 'pin', remove: true });
      // Said without the rest of the line: it may be the PIN itself.
      return no(`${DESK_USAGE.pin}: the new PIN is asked for next, never typed after the command`);
    default:
      return no(`unknown command "${verb}" (help)`);
  }
}

function parseIssue(args: string[]): ParsedDeskCommand {
  const rest = [...args];
  const deposit = parseAmountText(
    rest.length > 0 && AMOUNT_TEXT.test(rest.at(-1) as string) ? (rest.pop() as string) : '0',
  );
  if (!deposit.ok) return no(`${DESK_USAGE.issue}: deposit ${deposit.reason}`);
  const cardClass = rest.length > 1 && CLASS_TEXT.test(rest.at(-1) as string) ? Number(rest.pop()) : null;
  const holder = rest.join(' ');
  if (!holder) return no(`${DESK_USAGE.issue}: whose card?`);
  return ok({ kind: 'issue', holder, cardClass, depositCents: deposit.amountCents });
}

function cardNumber(text: string): number | null {
  return CARD_NUMBER_TEXT.test(text) && Number(text) >= 1 ? Number(text) : null;
}
