// What can be read from a message's header without a MIME parser: INTERNALDATE for a POP3 source
// (the newest Received:, else Date:) and a fingerprint to recognise the message in the target.
import { createHash } from 'node:crypto';

/** The header block (up to the first empty line), as latin1 text: header bytes are ASCII. */
export function headerBlock(message: Buffer): Buffer {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : message.length;
  return message.subarray(0, end);
}

const RECEIVED = /(?:^|\n)received[ \t]*:/gi;
const DATE = /(?:^|\n)date[ \t]*:/gi;
const MESSAGE_ID = /(?:^|\n)message-id[ \t]*:/gi;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * The first field of the header `text` (latin1) named by `field` (a /gi pattern of "name:" at a
 * line start) whose unfolded, trimmed value `accept` takes, in header order. Only the matching
 * fields are cut out and unfolded: this runs for every message copied from POP3, and splitting the
 * whole header into lines made a string per line (most of a small message's garbage).
 */
function firstFieldValue<T>(text: string, field: RegExp, accept: (value: string) => T | undefined): T | undefined {
  field.lastIndex = 0;
  for (let match = field.exec(text); match; match = field.exec(text)) {
    const start = match.index + match[0].length;
    let end = text.length;
    // The field goes on over lines that start with white space (folding, RFC 5322 §2.2.3).
    for (let lineEnd = text.indexOf('\n', start); lineEnd !== -1; lineEnd = text.indexOf('\n', lineEnd + 1)) {
      const next = text.charCodeAt(lineEnd + 1);
      if (next !== SPACE && next !== TAB) { end = lineEnd; break; }
    }
    const accepted = accept(text.slice(start, end).replace(/\r?\n[ \t]+/g, ' ').trim());
    if (accepted !== undefined) return accepted;
    field.lastIndex = end;
  }
  return undefined;
}

const parsedDate = (text: string): Date | undefined => {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** The delivery time: the date of the topmost Received: (the last hop), else Date:, else undefined. */
export function deliveryDate(message: Buffer): Date | undefined {
  const header = headerBlock(message).toString('latin1');
  const received = firstFieldValue(header, RECEIVED, (value) => parsedDate(value.slice(value.lastIndexOf(';') + 1).trim()));
  if (received) return received;
  const date = firstFieldValue(header, DATE, (value) => value);
  return date === undefined ? undefined : parsedDate(date);
}

export function messageId(message: Buffer): string | undefined {
  return firstFieldValue(headerBlock(message).toString('latin1'), MESSAGE_ID, (value) => value);
}

/** SHA-256 of the header block: with the size, how a copy is recognised when no journal knows it. */
export function headerHash(message: Buffer): string {
  return createHash('sha256').update(headerBlock(message)).digest('hex');
}
