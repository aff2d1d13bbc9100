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

function headerValues(header: Buffer, name: string): string[] {
  const unfolded = header.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const values: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) values.push(line.slice(colon + 1).trim());
  }
  return values;
}

/** The delivery time: the date of the topmost Received: (the last hop), else Date:, else undefined. */
export function deliveryDate(message: Buffer): Date | undefined {
  const header = headerBlock(message);
  for (const received of headerValues(header, 'received')) {
    const date = new Date(received.slice(received.lastIndexOf(';') + 1).trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  const date = new Date(headerValues(header, 'date')[0] ?? '');
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function messageId(message: Buffer): string | undefined {
  return headerValues(headerBlock(message), 'message-id')[0];
}

/** SHA-256 of the header block: with the size, how a copy is recognised when no journal knows it. */
export function headerHash(message: Buffer): string {
  return createHash('sha256').update(headerBlock(message)).digest('hex');
}
