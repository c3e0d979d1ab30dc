/**
 * What a journal record body may hold, checked before anything is written:
 * plain JSON (so what is read back equals what was written, byte for byte and
 * CRC for CRC) and money only as integer cents.
 */

/** A sale is ~100 bytes; 4 KiB leaves room for a receipt's items and keeps one record far below a SQLite page overflow chain. */
export const JOURNAL_BODY_MAX_BYTES = 4096;
/** Bodies are flat records; deeper nesting is a bug (or a cycle), and bounds the recursion. */
export const JOURNAL_BODY_MAX_DEPTH = 8;

/** Keys naming money end in this suffix (`amountCents`, `balanceCents`). */
const CENTS_SUFFIX = 'Cents';

export class JournalBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalBodyError';
  }
}

/**
 * Serialises a body after checking it. Throws a JournalBodyError naming the
 * offending path (`items[2].priceCents`) and the problem; returns the JSON text.
 */
export function encodeBody(kind: string, body: unknown): string {
  if (!isPlainObject(body)) throw new JournalBodyError(`journal '${kind}' body must be a plain object`);
  checkValue(kind, body, '', 0, false);
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > JOURNAL_BODY_MAX_BYTES) {
    throw new JournalBodyError(
      `journal '${kind}' body is ${bytes} bytes, more than the ${JOURNAL_BODY_MAX_BYTES} allowed`,
    );
  }
  return text;
}

function checkValue(kind: string, value: unknown, path: string, depth: number, isMoney: boolean): void {
  const fail = (problem: string): never => {
    throw new JournalBodyError(`journal '${kind}' body${path ? ` at ${path}` : ''}: ${problem}`);
  };
  if (depth > JOURNAL_BODY_MAX_DEPTH) fail(`nested deeper than ${JOURNAL_BODY_MAX_DEPTH} levels`);
  if (isMoney) {
    // Money is integer cents (docs/architecture.md): a float here would drift in totals.
    if (Array.isArray(value)) {
      value.forEach((v, i) => checkValue(kind, v, `${path}[${i}]`, depth + 1, true));
      return;
    }
    if (value !== null && !(typeof value === 'number' && Number.isSafeInteger(value))) {
      fail(`money must be an integer number of cents, got ${describe(value)}`);
    }
    return;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(`${value} is not representable in JSON`);
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        value.forEach((v, i) => checkValue(kind, v, `${path}[${i}]`, depth + 1, false));
        return;
      }
      if (!isPlainObject(value)) fail(`${describe(value)} is not plain JSON (convert it first)`);
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        checkValue(kind, v, path ? `${path}.${key}` : key, depth + 1, key.endsWith(CENTS_SUFFIX));
      }
      return;
    default:
      fail(`${typeof value} is not plain JSON`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 20))})`;
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'object'}`;
  return typeof value;
}
