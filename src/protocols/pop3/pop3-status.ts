// One POP3 status line: "+OK text" or "-ERR [CODE] text" (response codes: RFC 2449 §8, RFC 3206).
export interface Pop3Status {
  ok: boolean;
  /** The extended response code in brackets, upper-cased (`AUTH`, `SYS/TEMP`, `IN-USE`, …). */
  code: string | undefined;
  text: string;
}

export class Pop3ProtocolError extends Error {
  override readonly name = 'Pop3ProtocolError';
}

export function parseStatusLine(line: Buffer): Pop3Status {
  // Status lines are ASCII; latin1 maps every byte to one char so nothing throws on junk.
  const text = line.toString('latin1').replace(/\r?\n$/, '');
  let ok: boolean;
  let rest: string;
  if (text === '+OK' || text.startsWith('+OK ')) { ok = true; rest = text.slice(4); }
  else if (text === '-ERR' || text.startsWith('-ERR ')) { ok = false; rest = text.slice(5); }
  else throw new Pop3ProtocolError(`malformed POP3 status line: ${JSON.stringify(text.slice(0, 80))}`);
  const match = /^\[([^\]\s]+)\]\s*/.exec(rest);
  return { ok, code: match?.[1]?.toUpperCase(), text: match ? rest.slice(match[0].length) : rest };
}

/** During SASL (RFC 5034 §4) the server may answer "+ <base64>" (a challenge) instead of a status. */
export function parseAuthLine(line: Buffer): Pop3Status | { challenge: string } {
  const text = line.toString('latin1').replace(/\r?\n$/, '');
  if (text === '+' || (text.startsWith('+ ') && !text.startsWith('+OK'))) return { challenge: text.slice(2).trim() };
  return parseStatusLine(line);
}

/** RFC 2449/3206 codes that mean "not now", as opposed to "not with these credentials". */
const TEMPORARY_CODES = new Set(['SYS/TEMP', 'IN-USE', 'LOGIN-DELAY']);

export function isTemporaryCode(code: string | undefined): boolean {
  return code !== undefined && TEMPORARY_CODES.has(code);
}
