import { formatCents, parseAmountText } from '../base/money.ts';
import type { CommandArgs, Status } from '../protocol/index.ts';
import { CONFIG_HELP, configAdmin } from './admin-config.ts';
import { checkSetConfig } from './config-check.ts';
import { CREDITS_HELP, creditReason, creditRefusal, creditsAdmin } from './credit-import.ts';
import { GRANT_HELP, grantAdmin } from './admin-grants.ts';
import { KEY_HELP, keyAdmin } from './admin-keys.ts';
import { POINTS_HELP, pointsAdmin } from './admin-points.ts';
import { HOLDER_HELP, holderAdmin } from './admin-holders.ts';
import { HOLIDAY_HELP, holidayAdmin } from './admin-holidays.ts';
import { RECORDS_HELP, recordsAdmin } from './admin-records.ts';
import type { Backend } from './backend.ts';
import { checkCardCsv } from './card-csv.ts';
import { handNumberRefusal, highestLine } from './card-register.ts';
import { deskRange } from '../protocol/desk-range.ts';
import { IMPORT_HELP, importAdmin } from './journal-import.ts';
import { COMMAND_UNANSWERED, type CommandRow } from './commands.ts';
import { decimalU32 } from './admin-args.ts';

/**
 * The admin command language of `onecard backend …`, on a Backend — the
 * running server's (through POST /admin) or one opened on the database
 * when no server runs. Pure of I/O: lines out, an exit code.
 */
export const ADMIN_HELP = [
  'admin commands (onecard backend <command> [--db FILE]):',
  '  card lost <number>             blacklist a card; every connected terminal gets the delta at once',
  '  card found <number>            take it off the blacklist',
  '  card show <number>             counter ledger, credits and account of a card',
  '  card register <number>...      cards issued elsewhere (below 100,000, outside every desk range): credit, account,',
  '                                 grant, lost need a known card',
  '  card replace <old> <new>       补卡 by hand: old listed, new owed its proven balance (docs/cards.md)',
  '  card register --csv <file>     the cards of a CSV (header card, one a line): all or none, in one transaction',
  '  card highest <desk id>         the highest card number known in that desk range (a desk with a new data dir)',
  '  credit <card> <amount> [subsidy|balance]   a pending credit (e.g. 20.00) to the subsidy wallet unless balance is named',
  ...CREDITS_HELP,
  ...IMPORT_HELP,
  '  account <card> <amount>        set an online account balance',
  '  command <terminal> lock [text] | unlock | reprint [seq] | open-door [door] | set-config <key> <json>   [--wait]',
  '                                 a remote command; --wait: until the terminal answers (at most 30 s)',
  "  command show <id>              a command and the terminal's answer",
  '  commands [terminal]            the last 20 commands and their answers',
  ...GRANT_HELP,
  ...HOLDER_HELP,
  ...HOLIDAY_HELP,
  ...CONFIG_HELP,
  ...KEY_HELP,
  ...POINTS_HELP,
  ...RECORDS_HELP,
  '  terminals                      terminals seen, their high-water marks and list versions',
  '  status                         list versions, alerts (clones, holes), bookings',
];

export interface AdminResult {
  code: number;
  lines: string[];
  /** A command was queued: its corrId, for `--wait` (main.ts) to watch. */
  queuedCommand?: number;
  /** `command show`: the command's status (queued, sent, or the terminal's answer). */
  commandStatus?: string;
}

/** `commands` lists this many. */
const COMMANDS_LISTED = 20;

const usage = (line: string): AdminResult => ({ code: 2, lines: [`usage: onecard backend ${line}`] });

export function runAdmin(backend: Backend, args: string[]): AdminResult {
  try {
    return dispatch(backend, args);
  } catch (err) {
    return { code: 1, lines: [`error: ${(err as Error).message}`] };
  }
}

/** Why an admin change for a replaced card is refused (null: not replaced); `instead` says what to do. */
function replacedRefusal(b: Backend, card: number, instead: string): string | null {
  const r = b.replacements.of(card);
  return r ? `card ${card} was replaced by ${r.newCard}: ${instead}; nothing changed` : null;
}

function replace(b: Backend, args: string[]): AdminResult {
  const [old, neu] = args.map(decimalU32);
  if (args.length !== 2 || old === null || neu === null || old === undefined || neu === undefined)
    return usage('card replace <old> <new>');
  const unknown = b.cards.refusal(old) ?? b.cards.refusal(neu);
  if (unknown !== null) return { code: 1, lines: [unknown] };
  const r = b.cardReplace(old, neu);
  if (!r.ok) return { code: 1, lines: [`${r.problem}; nothing changed`] };
  const cents = formatCents(r.replacement.carriedCents);
  const proven = `proven at counter ${r.replacement.provenCounter}`;
  return { code: 0, lines: [`card ${old} replaced by ${neu}: ${old} listed, ${neu} owed ${cents} (${proven})`] };
}

function dispatch(b: Backend, args: string[]): AdminResult {
  const [cmd, sub, x, y] = args;
  switch (cmd) {
    case 'card': {
      if (sub === 'register') return register(b, args.slice(2));
      if (sub === 'replace') return replace(b, args.slice(2));
      if (sub === 'highest') return highest(b, args.slice(2));
      const card = decimalU32(x);
      if (card === null || !['lost', 'found', 'show'].includes(sub) || args.length !== 3)
        return usage('card lost|found|show <number> | card register <number>...');
      if (sub === 'show') return cardShow(b, card);
      const unknown = sub === 'lost' ? b.cards.refusal(card) : null;
      if (unknown !== null) return { code: 1, lines: [unknown] };
      // Its money went to the replacement: taken off the list, the old card would spend it a second time.
      const replaced = sub === 'found' ? replacedRefusal(b, card, 'it stays listed') : null;
      if (replaced !== null) return { code: 1, lines: [replaced] };
      const v = sub === 'lost' ? b.cardLost(card) : b.cardFound(card);
      const online = b.connected().size;
      if (v === null)
        return {
          code: 0,
          lines: [
            `card ${card} was already ${sub === 'lost' ? 'on' : 'off'} the blacklist (version ${b.lists.version('blacklist')})`,
          ],
        };
      return {
        code: 0,
        lines: [
          `card ${card} ${sub === 'lost' ? 'blacklisted' : 'taken off the blacklist'}: blacklist version ${v}, pushed to ${online} connected terminal(s)`,
        ],
      };
    }
    case 'credit': {
      const card = decimalU32(sub);
      const purse = y ?? 'subsidy';
      if (card === null || x === undefined || (purse !== 'subsidy' && purse !== 'balance'))
        return usage('credit <card> <amount> [subsidy|balance]');
      const amount = parseAmountText(x, { positive: true });
      if (!amount.ok) return { code: 2, lines: [`credit: amount ${amount.reason}`] };
      const cents = amount.amountCents;
      // A replaced card is listed everywhere: a credit to it would never land.
      const unknown = creditRefusal(b, card);
      if (unknown !== null) return { code: 1, lines: [unknown] };
      const c = b.credit(card, cents, purse, creditReason(purse));
      return {
        code: 0,
        lines: [
          `credit ${card}#${c.creditSeq}: ${formatCents(cents)} to ${purse}, credits version ${b.lists.version('credits')}`,
        ],
      };
    }
    case 'credits':
      return creditsAdmin(b, args.slice(1));
    case 'import':
      return importAdmin(b, args.slice(1));
    case 'account': {
      const card = decimalU32(sub);
      if (card === null || x === undefined) return usage('account <card> <amount>');
      const amount = parseAmountText(x);
      if (!amount.ok) return { code: 2, lines: [`account: amount ${amount.reason}`] };
      const cents = amount.amountCents;
      const unknown = b.cards.refusal(card);
      if (unknown !== null) return { code: 1, lines: [unknown] };
      b.setAccount(card, cents);
      return { code: 0, lines: [`account ${card}: balance ${formatCents(cents)}`] };
    }
    case 'command':
      if (sub === 'show') return commandShow(b, args.slice(2));
      return command(b, args.slice(1));
    case 'commands': {
      const terminal = sub === undefined ? null : decimalU32(sub);
      if (terminal === null && sub !== undefined) return usage('commands [terminal]');
      const rows = b.commands.recent(terminal, COMMANDS_LISTED);
      return { code: 0, lines: rows.length ? rows.map(commandLine) : ['no commands'] };
    }
    case 'config':
      return configAdmin(b, args.slice(1));
    case 'grant':
      return grantAdmin(b, args.slice(1));
    case 'points':
      return pointsAdmin(b, args.slice(1));
    case 'holder':
      return holderAdmin(b, args.slice(1));
    case 'holiday':
      return holidayAdmin(b, args.slice(1));
    case 'key':
    case 'enrol':
      return keyAdmin(b, args);
    case 'records':
      return recordsAdmin(b, args.slice(1));
    case 'terminals':
      return terminals(b);
    case 'status':
      return status(b);
    default:
      return { code: 2, lines: [`unknown admin command ${JSON.stringify(cmd ?? '')}`, ...ADMIN_HELP] };
  }
}

function command(b: Backend, args: string[]): AdminResult {
  const [t, what, arg, ...rest] = args;
  const terminal = decimalU32(t);
  let c: CommandArgs | null = null;
  if (what === 'lock')
    c = { command: 'lock', text: [arg, ...rest].filter((s) => s !== undefined).join(' ') || '暂停服务 Out of service' };
  else if (what === 'unlock') c = { command: 'unlock' };
  else if (what === 'reprint') c = { command: 'reprint', journalSeq: decimalU32(arg) ?? 0 };
  else if (what === 'open-door') c = { command: 'open-door', door: decimalU32(arg) ?? 1, pulseMs: 3_000 };
  // One setting (a dotted path, a JSON value): the terminal checks it like a pushed config.
  else if (what === 'set-config' && arg !== undefined && rest.length > 0)
    c = { command: 'set-config', key: arg, value: rest.join(' ') };
  if (terminal === null || c === null)
    return usage(
      'command <terminal> lock [text] | unlock | reprint [seq] | open-door [door] | set-config <key> <json>',
    );
  // The same check the terminal makes, so a typo is refused here and not only on the terminal's stderr.
  const wrong = c.command === 'set-config' ? checkSetConfig(c.key, c.value) : null;
  if (wrong !== null) return { code: 1, lines: [`${wrong}; nothing queued`] };
  // A door must not open an hour after someone asked (§6.9): commands expire after a minute.
  const corrId = b.command(terminal, c, c.command === 'open-door' ? b.nowMs() + 60_000 : 0);
  const online = b.connected().has(terminal);
  return {
    code: 0,
    lines: [
      `command ${corrId} (${c.command}) for terminal ${terminal}: ${online ? 'sent' : 'queued until it connects'}`,
    ],
    queuedCommand: corrId,
  };
}

function commandShow(b: Backend, args: string[]): AdminResult {
  const corrId = decimalU32(args[0]);
  if (corrId === null || args.length !== 1) return usage('command show <id>');
  const row = b.commands.get(corrId);
  if (row === null) return { code: 1, lines: [`no command ${corrId}`] };
  return { code: 0, lines: [commandLine(row)], commandStatus: row.status };
}

/** One command as the admin reads it: id, terminal, what, when, and the terminal's answer (or that there is none yet). */
export function commandLine(row: CommandRow): string {
  const c = JSON.parse(row.command) as CommandArgs;
  const what =
    c.command === 'set-config'
      ? `set-config ${c.key} ${c.value}`
      : c.command === 'lock'
        ? `lock "${c.text}"`
        : c.command;
  const answer = COMMAND_UNANSWERED.includes(row.status)
    ? `${row.status}, no answer yet`
    : `${row.status}${row.detail ? `: ${row.detail}` : ''}`;
  return `command ${row.corr_id} (${what}) for terminal ${row.terminal}, ${new Date(row.created_ms).toISOString()}: ${answer}`;
}

function register(b: Backend, numbers: string[]): AdminResult {
  if (numbers[0] === '--csv') return registerCsv(b, numbers.slice(1));
  const cards = numbers.map(decimalU32);
  if (cards.length === 0 || cards.some((c) => c === null)) return usage('card register <number>...');
  const refused = (cards as number[]).map(handNumberRefusal).filter((r) => r !== null);
  if (refused.length > 0) return { code: 1, lines: [...refused, 'no card registered'] };
  const added = b.cards.register(cards as number[], 'admin', b.nowMs());
  return { code: 0, lines: [`${added} card(s) registered, ${cards.length - added} known already`] };
}

/** `card highest TERMINAL`: where desk TERMINAL's range stands, for a desk without its number file. */
function highest(b: Backend, args: string[]): AdminResult {
  const terminal = decimalU32(args[0]);
  if (terminal === null || args.length !== 1 || !deskRange(terminal).ok)
    return usage('card highest <desk terminal id>');
  return { code: 0, lines: [highestLine(terminal, b.cards.highestOfDesk(terminal))] };
}

/** `args`: the file's name and its text (appended by the CLI, main.ts). */
function registerCsv(b: Backend, args: string[]): AdminResult {
  const [file, text] = args;
  if (file === undefined || text === undefined || args.length !== 2) return usage('card register --csv <file>');
  const checked = checkCardCsv(text);
  if (!checked.ok)
    return {
      code: 1,
      lines: [
        `${file}: ${checked.refusals.length} row(s) refused; no card registered`,
        ...checked.refusals.map((r) => `  line ${r.line}: ${r.reason}`),
      ],
    };
  const added = b.cards.register(checked.cards, `admin ${file}`, b.nowMs());
  return {
    code: 0,
    lines: [`${file}: ${added} card(s) registered, ${checked.cards.length - added} known already or repeated`],
  };
}

function cardShow(b: Backend, card: number): AdminResult {
  const r = b.cardReport(card);
  const lines = [
    `card ${card}${b.lists.isBlacklisted(card) ? ' (BLACKLISTED)' : ''}`,
    `  counter ${r.counter}, ${r.landed} landed write(s), ${formatCents(r.movedCents)} moved, ${r.open} unsettled${r.gaps.length ? `, counters not seen yet: ${r.gaps.join(',')}` : ''}`,
  ];
  if (r.purse)
    lines.push(
      `  purse after counter ${r.counter}: balance ${formatCents(r.purse.balance)} subsidy ${formatCents(r.purse.subsidy)} lastCreditSeq ${r.purse.lastCreditSeq}`,
    );
  for (const c of b.lists.creditsOf(card)) {
    // A level credit carries a class, not money (PROTOCOL.md §6.5.1).
    const what = c.reason === 'level' ? `level → class ${c.amount}` : `${formatCents(c.amount)} ${c.purse}`;
    lines.push(`  credit #${c.creditSeq} ${what}: ${c.appliedMs === null ? 'pending' : 'applied'}`);
  }
  const acct = b.accounts.balance(card);
  if (acct !== null) lines.push(`  online account balance ${formatCents(acct)}`);
  const p = b.points.show(card);
  if (p.earned !== 0 || p.pending !== 0)
    lines.push(`  points ${p.balance}, ${p.earned} earned, ${p.pending} not landed yet`);
  const rep = b.replacements.of(card) ?? b.replacements.replacing(card);
  if (rep)
    lines.push(
      `  补卡 ${rep.oldCard} → ${rep.newCard}: carried ${formatCents(rep.carriedCents)} (counter ${rep.provenCounter}),` +
        ` corrected ${formatCents(rep.correctedCents)} since`,
    );
  for (const a of b.alerts().filter((a) => a.card === card)) lines.push(`  ALERT ${a.kind}: ${a.detail}`);
  return { code: 0, lines };
}

function terminals(b: Backend): AdminResult {
  const rows = b.db
    .prepare<
      [],
      {
        id: number;
        high_seq: number;
        last_seen_ms: number;
        held_blacklist: number | null;
        held_credits: number | null;
        held_grants: number | null;
        held_holders: number | null;
        held_holidays: number | null;
        status: string | null;
      }
    >(
      'SELECT id, high_seq, last_seen_ms, held_blacklist, held_credits, held_grants, held_holders, held_holidays,' +
        ' status FROM terminals ORDER BY id',
    )
    .all();
  const online = b.connected();
  if (rows.length === 0) return { code: 0, lines: ['no terminal has connected yet'] };
  const alarms = b.alarms.list();
  return {
    code: 0,
    lines: rows.map((r) => {
      const s = r.status
        ? (JSON.parse(r.status) as Pick<
            Status,
            'journalQueueDepth' | 'clockDriftMs' | 'locked' | 'peripherals' | 'lists'
          >)
        : null;
      // Acknowledged versions; before any LIST_ACK, what the last STATUS said it held.
      const reported = (list: string) => s?.lists?.find((l) => l.list === list)?.version;
      const held = (list: string, acked: number | null) => acked ?? reported(list) ?? '?';
      // The lists only some roles keep (a door its grants and holidays; doors, punch clocks, car parks their
      // holders): shown for a terminal that holds one, so a POS's line says nothing of lists it never keeps.
      const roleLists = (
        [
          ['grants', r.held_grants],
          ['holders', r.held_holders],
          ['holidays', r.held_holidays],
        ] as const
      )
        .map(([list, acked]) => [list, acked ?? reported(list)] as const)
        .flatMap(([list, v]) => (v === undefined || v === null ? [] : [`, ${list} ${v}`]))
        .join('');
      // The last STATUS's peripherals (§6.3), e.g. "reader ok, printer degraded"; older rows may lack them.
      const devices = s?.peripherals?.length ? `, ${s.peripherals.map((p) => `${p.kind} ${p.health}`).join(', ')}` : '';
      // What stops its sync first: "acked to 2" alone would look healthy.
      const stopped = alarms.filter((a) => a.terminal === r.id).map((a) => `SYNC STOPPED (${a.kind}): ${a.detail}`);
      const first = `${stopped.length ? `${stopped.join('; ')}; ` : ''}${online.has(r.id) ? 'online' : 'offline'}`;
      const lists = `blacklist ${held('blacklist', r.held_blacklist)}, credits ${held('credits', r.held_credits)}`;
      const live = s ? `, queue ${s.journalQueueDepth}, drift ${s.clockDriftMs} ms${s.locked ? ', LOCKED' : ''}` : '';
      const seen = new Date(r.last_seen_ms).toISOString();
      const head = `terminal ${r.id}: ${first}, journal acked to ${r.high_seq}`;
      return `${head}, ${lists}${roleLists}${live}${devices}, last seen ${seen}`;
    }),
  };
}

function status(b: Backend): AdminResult {
  const alerts = b.alerts();
  const alarms = b.alarms.list();
  const bookings = b.accounts.counts();
  return {
    code: 0,
    lines: [
      `blacklist version ${b.lists.version('blacklist')} (${b.lists.blacklistSize()} cards), credits version ${b.lists.version('credits')}, grants version ${b.lists.version('grants')} (${b.lists.grants.size()} cards)`,
      `terminals online: ${[...b.connected().keys()].join(', ') || 'none'}`,
      `online bookings: ${bookings.approved} approved, ${bookings.advised} advised, ${bookings.reversed} reversed, ${bookings.declined} declined`,
      `alerts: ${alerts.length + alarms.length}`,
      ...alarms.map(
        (a) =>
          `  ${new Date(a.sinceMs).toISOString()} sync stopped (${a.kind}) terminal ${a.terminal}${a.count > 1 ? ` (${a.count} times, last ${new Date(a.lastMs).toISOString()})` : ''}: ${a.detail}`,
      ),
      ...alerts.map(
        (a) =>
          `  ${new Date(a.atMs).toISOString()} ${a.kind}${a.card !== null ? ` card ${a.card}` : ''}${a.terminal !== null ? ` terminal ${a.terminal}` : ''}: ${a.detail}`,
      ),
    ],
  };
}
