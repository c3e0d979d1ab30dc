/** The card readers a terminal may have (peripherals.reader, peripherals.reader2): MFRC522s on SPI CE0 and CE1. */
export const READER_SLOTS = ['reader', 'reader2'] as const;
export type ReaderSlot = (typeof READER_SLOTS)[number];
