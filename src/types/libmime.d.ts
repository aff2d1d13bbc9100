// libmime ships no types; only what Mailbeacon calls is declared.
declare module 'libmime' {
  interface Libmime {
    decodeWords(value: string): string;
    decodeHeaders(headers: string): Record<string, string[]>;
    parseHeaderValue(value: string): { value: string; params: Record<string, string> };
  }
  const libmime: Libmime;
  export default libmime;
}
