// What a notification shows of a new message: sender, subject, date — decoded from RFC 2047 words
// (any charset iconv-lite knows: GBK, GB18030, Big5, ISO-2022-JP, …) or from raw 8-bit headers.
import iconv from 'iconv-lite';
import libmime from 'libmime';

export interface MessageSummary {
  /** Stable per account: POP3 UIDL, or IMAP `UIDVALIDITY:UID`. Used to never notify twice. */
  id: string;
  from: string;
  subject: string;
  /** ISO 8601, or null when the message has no readable Date header. */
  date: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Raw header bytes as text: UTF-8 when valid, else the charset the message declares, else Latin-1. */
function headerText(header: Buffer): string {
  try {
    return utf8.decode(header);
  } catch {
    const latin1 = header.toString('latin1');
    const declared = /charset\s*=\s*"?([A-Za-z0-9_.:-]+)/i.exec(latin1)?.[1];
    return declared && iconv.encodingExists(declared) ? iconv.decode(header, declared) : latin1;
  }
}

function decodeWords(value: string | undefined): string {
  if (!value) return '';
  try {
    return libmime.decodeWords(value).replace(/\s+/g, ' ').trim();
  } catch {
    return value.trim();
  }
}

export function isoDate(value: string | Date | undefined | null): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** From the header block of a message (POP3 `TOP n 0`). */
export function summaryFromHeader(header: Buffer): Omit<MessageSummary, 'id'> {
  const headers = libmime.decodeHeaders(headerText(header));
  return {
    from: decodeWords(headers.from?.[0]),
    subject: decodeWords(headers.subject?.[0]),
    date: isoDate(headers.date?.[0]?.trim()),
  };
}

/** "Name <address>", or whichever half exists. */
export function formatAddress(address: { name?: string | undefined; address?: string | undefined } | undefined): string {
  if (!address) return '';
  const name = decodeWords(address.name);
  if (name && address.address) return `${name} <${address.address}>`;
  return name || address.address || '';
}
