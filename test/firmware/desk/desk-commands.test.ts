import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeskCommand } from '../../../firmware/desk/commands.ts';

/** The one parser of the desk's command line (the simulator's shell and `onecard desk`). */
const command = (line: string) => {
  const p = parseDeskCommand(line);
  assert.ok(p.ok, `"${line}" parses`);
  return p.command;
};
const problem = (line: string) => {
  const p = parseDeskCommand(line);
  assert.ok(!p.ok, `"${line}" is refused`);
  return p.message;
};

test('issue: a bare number after the name is the class, an amount with its point the deposit', () => {
  assert.deepEqual(command('issue Wang Fang'), {
    kind: 'issue',
    holder: 'Wang Fang',
    cardClass: null,
    depositCents: 0,
  });
  assert.deepEqual(command('issue Wang Fang 2 500.00'), {
    kind: 'issue',
    holder: 'Wang Fang',
    cardClass: 2,
    depositCents: 50_000,
  });
  assert.deepEqual(command('issue Wang Fang 12.5'), {
    kind: 'issue',
    holder: 'Wang Fang',
    cardClass: null,
    depositCents: 1_250,
  });
  // A name alone that is a number stays the name: there must be someone to issue to.
  assert.deepEqual(command('issue 007'), { kind: 'issue', holder: '007', cardClass: null, depositCents: 0 });
  assert.equal(problem('issue'), 'issue NAME [CLASS] [DEPOSIT]: whose card?');
});

test('the other commands, and what a mistake says', () => {
  assert.deepEqual(command('deposit 100.00'), { kind: 'deposit', amountCents: 10_000 });
  assert.equal(problem('deposit ten'), 'deposit AMOUNT: an amount like 100.00');
  assert.equal(problem('deposit 1.00 2.00'), 'deposit AMOUNT: an amount like 100.00');
  assert.deepEqual(command('  read  '), { kind: 'read' });
  assert.deepEqual(command('refund'), { kind: 'cancel' });
  assert.deepEqual(command('cancel'), { kind: 'cancel' });
  assert.deepEqual(command('lost 10001'), { kind: 'lost', cardNumber: 10_001 });
  assert.deepEqual(command('found'), { kind: 'found', cardNumber: null });
  assert.match(problem('lost ten'), /a card number like 10001/);
  assert.deepEqual(command('replace 10001 Wang Fang'), { kind: 'replace', old: 10_001, holder: 'Wang Fang' });
  assert.deepEqual(command('replace'), { kind: 'replace', old: null, holder: null });
  assert.match(problem('replace Wang'), /OLD is the lost card's number/);
  assert.deepEqual(command(''), { kind: 'empty' });
  assert.deepEqual(command('exit'), { kind: 'quit' });
  assert.equal(problem('frobnicate now'), 'unknown command "frobnicate" (help)');
});
