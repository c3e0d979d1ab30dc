/**
 * How bytes reach a printer. Serial and TCP 9100 are two-way (status replies
 * come back on the same stream); a USB line printer opened as a file is
 * written only, so its status is unknown (null) and jobs go out unchecked.
 */
export interface PrinterTransport {
  write(bytes: Uint8Array): Promise<void>;
  /** Sends `query` and resolves with the first byte that comes back, or null after `timeoutMs`. */
  query(query: Uint8Array, timeoutMs: number): Promise<number | null>;
  close(): Promise<void>;
}
