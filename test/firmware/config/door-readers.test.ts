import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doorReaderIssues, doorReaderWiringIssues } from '../../../firmware/config/door-readers.ts';

/** door.readers (which reader is which side of which door): each mistake named with its field and fix. */
const hard = { id: 0, antiPassback: 'hard' as const };
const both = [
  { reader: 'reader' as const, door: 0, side: 'in' as const },
  { reader: 'reader2' as const, door: 0, side: 'out' as const },
];
const messages = (issues: { path: (string | number)[]; message: string }[]) =>
  issues.map((i) => `${i.path.join('.')}: ${i.message}`);

test('a paired door is fine; one reader named twice is refused at its second entry', () => {
  assert.deepEqual(doorReaderIssues({ doors: [hard], readers: both }), []);
  assert.deepEqual(
    messages(doorReaderIssues({ doors: [hard], readers: [both[0], { ...both[1], reader: 'reader' }] })),
    ['readers.1.reader: reader is readers[0] already: one reader is one side of one door'],
  );
  assert.deepEqual(messages(doorReaderIssues({ doors: [hard], readers: [both[0]] })), [
    'readers: door 0 has anti-passback (hard): add its out reader, e.g. {"reader": "reader2", "door": 0, "side": "out"}',
  ]);
});

test('a run: anti-passback with no sides, and a wired reader the list leaves out, are named', () => {
  const wired = () => true;
  assert.deepEqual(messages(doorReaderWiringIssues({ doors: [hard], readers: [] }, wired)), [
    'door.readers: door 0 has anti-passback but no reader says which side it is: add ' +
      '[{"reader": "reader", "door": 0, "side": "in"}, {"reader": "reader2", "door": 0, "side": "out"}]',
  ]);
  const off = { id: 0, antiPassback: 'off' };
  assert.deepEqual(doorReaderWiringIssues({ doors: [off], readers: [] }, wired), [], 'one reader, no sides: door 0');
  assert.deepEqual(messages(doorReaderWiringIssues({ doors: [off], readers: [{ ...both[0], side: null }] }, wired)), [
    'door.readers: peripherals.reader2 is wired but no door.readers entry names it: add {"reader": "reader2", "door": …}',
  ]);
});
