// Sizes as a person reads them, in the window and the CLI alike: "12 kB", "3.4 MB", "89 MB" —
// never "0.0 MB" for a small mailbox. The units read the same in English and Chinese.
export function byteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`;
  if (bytes < 10_000_000) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e6)} MB`;
}
