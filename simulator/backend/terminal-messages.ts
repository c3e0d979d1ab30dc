import type { Message } from '../../protocol/index.ts';
import type { Backend } from './backend.ts';
import type { TerminalSession } from './terminal-session.ts';

/** What answering a terminal's message needs of the backend: its stores, and telling every session of a list change. */
type MessageServices = Pick<
  Backend,
  | 'db'
  | 'log'
  | 'nowMs'
  | 'utcOffsetMinutes'
  | 'journal'
  | 'alarms'
  | 'commands'
  | 'configs'
  | 'accounts'
  | 'lists'
  | 'pushAll'
>;

/**
 * One message from an authenticated terminal (PROTOCOL.md §6): stored, answered, and any side effect
 * (alarms, queued commands and configs, list pushes) started. Session handling stays in backend.ts.
 */
export function serveMessage(b: MessageServices, s: TerminalSession, m: Message, payload?: Uint8Array): void {
  const t = s.terminalId as number;
  const now = b.nowMs();
  switch (m.type) {
    case 'status':
      s.send({ type: 'statusAck', backendTimeMs: now });
      b.db.prepare('UPDATE terminals SET status = ?, last_seen_ms = ? WHERE id = ?').run(JSON.stringify(m), now, t);
      s.noteStatus(m);
      b.alarms.status(t, m, b.journal.highWater(t));
      b.commands.sendQueued(s);
      b.configs.sendDue(s);
      return;
    case 'timeRequest':
      s.send({
        type: 'timeResponse',
        t1Ms: m.t1Ms,
        t2Ms: now,
        t3Ms: b.nowMs(),
        utcOffsetMinutes: b.utcOffsetMinutes,
      });
      return;
    case 'journalBatch': {
      const r = b.journal.ingest(t, m, payload);
      s.send(r.ack);
      if (r.ack.status !== 'ok')
        b.log.info('backend.journal-ack', {
          terminal: t,
          status: r.ack.status,
          ackUpto: r.ack.ackUpto,
          baseSeq: m.records[0]?.seq,
        });
      b.alarms.upload(t, r.ack, r.stored);
      if (r.clones.length) b.log.error('backend.clone-detected', { terminal: t, cards: r.clones });
      if (r.listsChanged) b.pushAll();
      return;
    }
    case 'listAck':
      b.db.prepare(`UPDATE terminals SET held_${m.list} = ? WHERE id = ?`).run(m.version, t);
      return s.noteListAck(m);
    case 'listPull':
      return s.pull(m);
    case 'authorizeRequest':
      s.send(b.accounts.authorize(t, m, now, b.lists.isBlacklisted(m.cardNumber)));
      return;
    case 'advice':
      s.send({
        type: 'adviceAck',
        stan: m.stan,
        status: b.accounts.advice(t, m.stan, m.cardNumber, m.amountCents, now),
      });
      return;
    case 'reversal':
      b.accounts.reversal(t, m.stan, 0, now);
      s.send({ type: 'reversalAck', stan: m.stan });
      return;
    case 'commandResult':
      return b.commands.result(t, m);
    case 'configAck':
      return b.configs.ack(t, m);
    default:
      b.log.info('backend.message', { terminal: t, type: m.type });
  }
}
