import type { VirtualClassicCard } from '../../simulator/card/virtual-classic.ts';
import type { TwinField } from '../../firmware/desk/desk-console.ts';
import type { OpenedReader } from '../registry.ts';

/** Blank cards get UIDs 04 de 00 01, 04 de 00 02 …: told apart in the journal, the same on every run. */
const BLANK_UID_PREFIX = [0x04, 0xde];

/** A twin reader's field for the desk console's `blank` and `remove`: null for a real reader (refused then). */
export function twinField(opened: OpenedReader): TwinField | null {
  const { twin, emulator } = opened;
  if (!twin && !emulator) return null;
  let placed = 0;
  let card: VirtualClassicCard | null = null;
  const remove = () => {
    if (card && emulator) emulator.field.remove(card);
    twin?.remove();
    card = null;
  };
  return {
    async placeBlank() {
      // Loaded only here: a twin is a simulator piece, never on a device's path.
      const { VirtualClassicCard } = await import('../../simulator/card/virtual-classic.ts');
      remove();
      placed++;
      const uid = Uint8Array.of(...BLANK_UID_PREFIX, placed >> 8, placed & 0xff);
      card = VirtualClassicCard.blank(uid);
      if (emulator) emulator.place(card);
      else twin?.place(card);
      return Buffer.from(uid).toString('hex');
    },
    remove,
  };
}
