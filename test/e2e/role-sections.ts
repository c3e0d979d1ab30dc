import { RATES } from '../firmware/parking/rates.ts';

/** Config sections the role e2e tests share: a car park's two barriers and a time zone open all week. */
export const ALWAYS = [{ fromMinute: 0, untilMinute: 1440 }];
export const ALWAYS_ZONE = { id: 1, week: Array(7).fill(ALWAYS), holiday: ALWAYS };

export const PARKING = {
  entryRelay: { line: 5, wiring: 'fail-secure', releaseMs: 2_000 },
  exitRelay: { line: 12, wiring: 'fail-secure', releaseMs: 2_000 },
  rates: RATES,
};
