/** The card readers a terminal may have (peripherals.reader, .reader2): MFRC522s on SPI CE0 and CE1, or Wiegand. */
export const READER_SLOTS = ['reader', 'reader2'] as const;
export type ReaderSlot = (typeof READER_SLOTS)[number];
