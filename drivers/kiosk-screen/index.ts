/**
 * The kiosk's screen as a driver kind: the kiosk writes what it shows here,
 * whole, each time it changes; a web page (web.ts) or the simulator's twin
 * that records it puts it in front of someone. Amounts come formatted by the
 * kiosk so the page holds no money rule of its own.
 */

/** How the page colours a screen: a customer should tell an alarm from a balance across the room. */
export type KioskTone = 'calm' | 'busy' | 'warn' | 'alarm';

export interface KioskView {
  /** The kiosk's screen kind (idle, balance, accepting, alarm …); the page marks itself with it. */
  kind: string;
  tone: KioskTone;
  /** The message, in Chinese and in English. */
  lines: { zh: string; en: string };
  /** Amounts as printed (¥12.30), null on a screen without them (no card on the reader). */
  balance: string | null;
  inserted: string | null;
  /** What this session may still take: the top-up limit or the balance cap, whichever is nearer. */
  room: string | null;
  /** How much of what this session may take is in, 0..100; null without a card. */
  progressPercent: number | null;
}

export interface KioskScreenDisplay {
  /** The screen now; a view equal to the one shown is not pushed again. */
  show(view: KioskView): void;
  close(): Promise<void>;
}
