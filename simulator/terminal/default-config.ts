import { parseConfig, type TerminalConfig } from '../../firmware/config/schema.ts';
import type { OnlineAuthorizer } from '../../firmware/online/authorizer.ts';
import type { KeyRing } from '../../firmware/card/key-ring.ts';

/**
 * The simulator's embedded default: a canteen POS with four card classes and a
 * small menu. Scenario files override any part of it per terminal.
 */
export const DEFAULT_CARD_CLASSES = [
  { id: 1, name: { zh: '员工', en: 'Staff' }, discountPercent: 0, dailyLimitCents: 10_000 },
  { id: 2, name: { zh: '学生', en: 'Student' }, discountPercent: 10, dailyLimitCents: 5_000 },
  { id: 3, name: { zh: '访客', en: 'Visitor' }, discountPercent: 0, dailyLimitCents: 0 },
  { id: 4, name: { zh: '计次', en: 'Meal pass' }, discountPercent: 0, dailyLimitCents: 0 },
  { id: 5, name: { zh: '在线账户', en: 'Online account' }, discountPercent: 0, dailyLimitCents: 0, account: 'online' },
  { id: 9, name: { zh: '操作员', en: 'Operator' }, operator: true },
];

export const DEFAULT_MENU = [
  { code: 1, name: { zh: '米饭', en: 'Rice' }, priceCents: 50 },
  { code: 2, name: { zh: '红烧肉', en: 'Braised pork' }, priceCents: 1_200 },
  { code: 3, name: { zh: '青菜', en: 'Greens' }, priceCents: 400 },
  { code: 12, name: { zh: '牛肉面', en: 'Beef noodles' }, priceCents: 1_500 },
];

export interface SimTerminalSpec {
  name: string;
  id: number;
  tenantId?: number;
  pos?: Record<string, unknown>;
  /** The config's member points section (firmware/config/points-schema.ts); off when left out. */
  points?: Record<string, unknown>;
  cardClasses?: unknown[];
  /** The backend's online authorisation, for online-account classes. */
  authorizer?: OnlineAuthorizer;
  /** The backend's remote lock, as the sync client holds it. */
  locked?: () => { locked: boolean; text: string };
  /** The sync client's stopped-sync mark (SyncClient.syncAlarm). */
  syncAlarm?: () => { reason: string } | null;
  /** The terminal's clock this far from the world's at start (a Pi without RTC boots with any time). */
  clockOffsetMs?: number;
  /** A key file with versions (a rollover): its current set keys the terminal instead of the world's keys. */
  keyRing?: KeyRing;
  /** A door terminal: its `door` config section, checked like a config file's; without it the terminal is a POS. */
  door?: Record<string, unknown>;
  /** A punch clock: its `attendance` section. */
  attendance?: Record<string, unknown>;
  /** A car park's barriers: its `parking` section. */
  parking?: Record<string, unknown>;
  /** A card office (docs/cards.md): the desk role, with the POS's money rules. */
  desk?: true;
  /** A top-up kiosk: its `kiosk` config section (SimWorld.kiosks.add gives it the cash twins). */
  kiosk?: Record<string, unknown>;
}

/** The role a sim terminal plays: the one whose section it carries (or the desk's flag), else the POS. */
export function simRoleOf(spec: SimTerminalSpec): 'pos' | 'door' | 'attendance' | 'parking' | 'desk' | 'kiosk' {
  if (spec.door) return 'door';
  if (spec.attendance) return 'attendance';
  if (spec.parking) return 'parking';
  if (spec.kiosk) return 'kiosk';
  return spec.desk ? 'desk' : 'pos';
}

export function simTerminalConfig(spec: SimTerminalSpec, dataDir: string): TerminalConfig {
  return parseConfig(
    {
      terminal: {
        ...{ id: spec.id, name: spec.name, tenantId: spec.tenantId ?? 1, utcOffsetMinutes: 480 },
        roles: [simRoleOf(spec)],
      },
      storage: { dataDir, keyFile: `${dataDir}/keys.json` },
      cardClasses: spec.cardClasses ?? DEFAULT_CARD_CLASSES,
      ...(spec.points ? { points: spec.points } : {}),
      ...roleSections(spec),
    },
    `terminal "${spec.name}"`,
  );
}

function roleSections(spec: SimTerminalSpec): Record<string, unknown> {
  if (spec.door) return { door: spec.door };
  if (spec.attendance) return { attendance: spec.attendance };
  if (spec.parking) return { parking: spec.parking };
  // A desk and a kiosk keep the POS's money rules beside their own section.
  return { pos: { menu: DEFAULT_MENU, ...spec.pos }, ...(spec.kiosk ? { kiosk: spec.kiosk } : {}) };
}
