import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardDayToIso, isoToCardDay } from '../../protocol/card-day.ts';

test('cardDayToIso: each day its own date, asked in any order and again (the last one is remembered)', () => {
  const days: [number, string][] = [
    [0, '2000-01-01'],
    [9_823, '2026-11-23'],
    [9_824, '2026-11-24'],
    [9_823, '2026-11-23'],
    [9_823, '2026-11-23'],
    [0xffff, '2179-06-06'],
    [59, '2000-02-29'],
  ];
  for (const [day, iso] of days) {
    assert.equal(cardDayToIso(day), iso, `day ${day}`);
    assert.equal(isoToCardDay(iso), day);
  }
});
