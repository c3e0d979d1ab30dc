import iconv from 'iconv-lite';

/**
 * Receipt text in GB18030: the encoding Chinese thermal printers use in
 * double-byte mode (FS &). ASCII is unchanged by it, so one encoding serves
 * both languages. Node's TextEncoder only writes UTF-8, hence iconv-lite.
 */
export function encodeGb18030(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gb18030'));
}

export function decodeGb18030(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gb18030');
}

/** Control bytes would be read by the printer as commands: a receipt line may not carry them. */
export function controlByteIn(text: string): number | undefined {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) return code;
  }
  return undefined;
}
