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
  const failure = checkValue(body, 0, false);
  if (failure !== null) {
    const path = pathText(failure.path);
    throw new JournalBodyError(`journal '${kind}' body${path ? ` at ${path}` : ''}: ${failure.problem}`);
  }
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > JOURNAL_BODY_MAX_BYTES) {
    throw new JournalBodyError(
      `journal '${kind}' body is ${bytes} bytes, more than the ${JOURNAL_BODY_MAX_BYTES} allowed`,
    );
  }
  return text;
}

/**
 * A value that failed the check: the problem, and the keys and indexes from
 * the body down to it. The path is gathered only on the way back up from a
 * failure: a body that passes (every one on the tap path) builds no path.
 */
interface BodyFailure {
  problem: string;
  /** Outermost first once complete; each level puts its own step in front. */
  readonly path: (string | number)[];
}

function failed(problem: string): BodyFailure {
  return { problem, path: [] };
}

/** `items[2].priceCents`: a key after a dot (none at the start), an index in brackets. */
function pathText(path: readonly (string | number)[]): string {
  let text = '';
  for (const step of path) text += typeof step === 'number' ? `[${step}]` : text ? `.${step}` : step;
  return text;
}

function checkValue(value: unknown, depth: number, isMoney: boolean): BodyFailure | null {
  if (depth > JOURNAL_BODY_MAX_DEPTH) return failed(`nested deeper than ${JOURNAL_BODY_MAX_DEPTH} levels`);
  if (isMoney) {
    // Money is integer cents (docs/architecture.md): a float here would drift in totals.
    if (Array.isArray(value)) return checkItems(value, depth, true);
    if (value !== null && !(typeof value === 'number' && Number.isSafeInteger(value))) {
      return failed(`money must be an integer number of cents, got ${describe(value)}`);
    }
    return null;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : failed(`${value} is not representable in JSON`);
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return checkItems(value, depth, false);
      if (!isPlainObject(value)) return failed(`${describe(value)} is not plain JSON (convert it first)`);
      for (const key of Object.keys(value)) {
        const failure = checkValue(value[key], depth + 1, key.endsWith(CENTS_SUFFIX));
        if (failure !== null) {
          failure.path.unshift(key);
          return failure;
        }
      }
      return null;
    }
    default:
      return failed(`${typeof value} is not plain JSON`);
  }
}

function checkItems(items: readonly unknown[], depth: number, isMoney: boolean): BodyFailure | null {
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) continue; // a hole: JSON writes null there, as forEach skipped it before
    const failure = checkValue(items[i], depth + 1, isMoney);
    if (failure !== null) {
      failure.path.unshift(i);
      return failure;
    }
  }
  return null;
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
