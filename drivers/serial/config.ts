/**
 * What a serial peripheral's config may say (a schema-level contract: the
 * config check and the opener, drivers/serial/open.ts, read the same rule).
 */

/**
 * The rates a UART and the USB-serial adapters we meet all support. Anything else would need the
 * kernel's custom-divisor path, which some adapters silently round: refuse it instead of garbling bytes.
 */
export const SERIAL_BAUD_RATES = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200] as const;

export const isSerialBaud = (baudRate: number): boolean => (SERIAL_BAUD_RATES as readonly number[]).includes(baudRate);

/** What the config check says of another rate. */
export const SERIAL_BAUD_HINT = `a standard serial rate: ${SERIAL_BAUD_RATES.join(', ')}`;

/** A serial device is a character device under /dev (ttyUSB0, ttyAMA0, serial/by-id/...). */
export const SERIAL_DEVICE = /^\/dev\/\S+$/;
