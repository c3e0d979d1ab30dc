/** A path into a JSON document as people write it: `pos.menu[0].code`; `(root)` for the whole document. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}
