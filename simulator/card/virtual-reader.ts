/**
 * A reader's RF field holding at most one virtual card, and the CardSession the
 * firmware sees over it. Sessions are tied to one selection of one card: once
 * the card leaves (removal, tear) or is selected again, the old session is dead.
 */
import { CardError, SECTORS_1K, trailerBlockOf, type CardSession, type KeyType } from '../../firmware/card/session.ts';
import type { VirtualClassicCard } from './virtual-classic.ts';

export class VirtualReader {
  private held: { card: VirtualClassicCard; selection: number } | null = null;

  /** A card enters the field: it powers up fresh (nothing authenticated). */
  place(card: VirtualClassicCard): void {
    if (this.card !== null) throw new Error('the field already holds a card');
    card.returnToField();
    this.held = { card, selection: card.selectionCount };
  }

  /** The card is pulled away, if there is one. */
  remove(): void {
    // Only a card still in this field leaves it: one moved to another reader stays there.
    this.card?.leaveField();
    this.held = null;
  }

  /** The card in the field; null once it has left (removed, torn away, or taken to another field). */
  get card(): VirtualClassicCard | null {
    const held = this.held;
    if (held === null) return null;
    // Any re-entry into a field bumps the count; our own selects are tracked in open().
    if (!held.card.inField || held.card.selectionCount !== held.selection) {
      this.held = null;
      return null;
    }
    return held.card;
  }

  /** Selects the card in the field (WUPA, so a halted card answers too); null when the field is empty. */
  open(): VirtualCardSession | null {
    const card = this.card;
    if (card === null || this.held === null) return null;
    card.select();
    this.held.selection = card.selectionCount;
    return new VirtualCardSession(card, card.selectionCount);
  }
}

export class VirtualCardSession implements CardSession {
  readonly uid: Uint8Array;
  private dead = false;
  private opCount = 0;

  constructor(
    private readonly card: VirtualClassicCard,
    private readonly selection: number,
  ) {
    this.uid = card.uid;
  }

  /** Commands this session sent to the card (auth/read/write), failed ones included. */
  get ops(): number {
    return this.opCount;
  }

  async authenticate(sector: number, keyType: KeyType, key: Uint8Array): Promise<void> {
    if (!Number.isInteger(sector) || sector < 0 || sector >= SECTORS_1K) {
      throw new CardError('bad-block', `sector ${sector} is not in 0..${SECTORS_1K - 1}`);
    }
    const accepted = this.send(() => this.card.authenticate(trailerBlockOf(sector), keyType, key));
    if (accepted) return;
    // The card dropped to IDLE: re-select it, as the MFRC522 session does (a card that answers is still there).
    this.send(() => this.card.wake());
    throw new CardError('auth-failed', `sector ${sector} refused key ${keyType}`);
  }

  async readBlock(block: number): Promise<Uint8Array> {
    return this.send(() => this.card.read(block));
  }

  /** What the card itself holds: a shortcut reader has no chip state of its own to keep. */
  authenticatedAs(): { sector: number; keyType: KeyType } | null {
    const live = !this.dead && this.card.inField && this.card.selectionCount === this.selection;
    return live ? this.card.authenticated : null;
  }

  async writeBlock(block: number, data: Uint8Array): Promise<void> {
    this.send(() => this.card.write(block, data));
  }

  /**
   * Runs one command. A card that left or was re-selected kills the session
   * for good (the interface contract). Only CardErrors are expected from the
   * card; anything else is a simulator bug and is left to surface as is.
   */
  private send<T>(command: () => T): T {
    if (this.dead || !this.card.inField || this.card.selectionCount !== this.selection) {
      this.dead = true;
      throw new CardError('removed', 'card is no longer in the field');
    }
    this.opCount++;
    try {
      return command();
    } catch (err) {
      if (err instanceof CardError && err.code === 'removed') this.dead = true;
      throw err;
    }
  }
}
