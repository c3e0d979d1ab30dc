/**
 * A file an admin command names (a credits CSV, a card list, a journal export): the CLI reads it and
 * sends its text, since the server may run elsewhere and a relative path is the admin's. One place says
 * how a file that cannot be read, or is too big to be the file meant, is refused.
 */
export function readAdminFile(
  path: string,
  bytesMax: number,
  read: (path: string) => string,
): { text: string } | { error: string } {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    return { error: `error: cannot read ${path}: ${(err as Error).message}` };
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > bytesMax)
    return { error: `error: ${path} is ${bytes} bytes, more than such a file may be (${bytesMax})` };
  return { text };
}
