// IMAP mailbox attributes (RFC 3501 §7.2.2, RFC 6154) are case-insensitive atoms: servers send
// `\Noselect`, `\NoSelect` or `\NOSELECT` for the same thing.
export function hasAttribute(attributes: Iterable<string> | undefined, wanted: string): boolean {
  if (!attributes) return false;
  const lower = wanted.toLowerCase();
  for (const attribute of attributes) if (attribute.toLowerCase() === lower) return true;
  return false;
}
