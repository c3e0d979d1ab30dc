import type { CardSession } from './session.ts';

/**
 * A card reader with a field (MFRC522 and its emulator): finds a card and hands
 * out a session for it. Contract: `detect()` never throws for "no card" — it
 * returns null; a chip fault is reported as a rejected promise with a message.
 */
export interface CardReader {
  detect(): Promise<CardSession | null>;
  close(): Promise<void>;
}

/**
 * A reader that only yields identifiers (Wiegand 26/34): enough for attendance,
 * doors and online payment, never for an offline purse.
 */
export interface UidReader {
  /** Registers the handler for each complete, parity-checked read. */
  onCard(handler: (read: UidRead) => void): void;
  close(): Promise<void>;
}

export interface UidRead {
  format: 'wiegand26' | 'wiegand34';
  facility: number;
  cardNumber: number;
}
