import type { RateTable } from '../../../firmware/parking/fee.ts';

/** 15 free minutes, then ¥5 the first hour, ¥3 each hour after, at most ¥30 a day; ¥50 for a lost ticket. */
export const RATES: RateTable = {
  freeMinutes: 15,
  stepMinutes: 60,
  firstStepCents: 500,
  stepCents: 300,
  dailyCapCents: 3_000,
  lostTicketCents: 5_000,
};
