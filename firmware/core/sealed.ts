import { inspect } from 'node:util';

/**
 * Freezes an object that holds key material so that it refuses to print:
 * JSON.stringify gives `json`, String() and util.inspect (console.log) give
 * `text`. An accidental log line or error message then shows no key. The
 * byte arrays inside are plain data: never log them on their own.
 */
export function sealed<T extends object>(value: T, json: unknown, text: string): Readonly<T> {
  Object.defineProperties(value, {
    toJSON: { value: () => json },
    toString: { value: () => text },
    [inspect.custom]: { value: () => text },
  });
  return Object.freeze(value);
}
