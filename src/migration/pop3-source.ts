// The old mailbox over POP3: UIDL + LIST for the plan, RETR (streamed, byte-exact) for each message.
// A message's identity is its UIDL (RFC 1939: 1–70 printable characters, unique in the mailbox).
// A server that breaks that (duplicate, missing or malformed UIDLs) gets a safe identity instead:
// the message number and a hash of its header, so no message is ever mistaken for another.
import { createHash } from 'node:crypto';
import { CheckFailure } from '../protocols/check-failure.js';
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import { Pop3Client, Pop3Refusal } from '../protocols/pop3/pop3-client.js';
import { MessageBuffer } from '../protocols/message-buffer.js';
import { noProgressMs, readCeiling, SourceMessageUnavailable, type SourceMessage } from './migration-types.js';
import type { SourceSession } from './migration-engine.js';

/** A buffer is sized from LIST up to this much; a larger message grows it as bytes arrive, so a
 * lying size never allocates what the server did not send. */
const VALID_UIDL = /^[\x21-\x7e]{1,70}$/;

export class Pop3Source implements SourceSession {
  readonly kind = 'pop3';
  /** Message number by key, for this session. */
  private numbers = new Map<string, number>();
  unstableIdentities = 0;

  private constructor(private readonly client: Pop3Client) {}

  static async open(options: OpenSessionOptions): Promise<Pop3Source> {
    const client = await Pop3Client.connect({
      host: options.endpoint.host, port: options.endpoint.port, security: options.endpoint.security,
      ca: options.ca, pinnedFingerprint: options.pinnedFingerprint, deadlineMs: options.deadlineMs,
    });
    try {
      if (options.accessToken) await client.loginWithToken(options.endpoint.user, options.accessToken);
      else await client.login(options.endpoint.user, options.password);
    } catch (error) {
      client.close();
      throw error;
    }
    // After the login, a transfer may take long, but never a long silence.
    client.finishAttempt(noProgressMs(options.deadlineMs));
    return new Pop3Source(client);
  }

  async list(): Promise<SourceMessage[]> {
    const [uidls, sizes] = [await this.client.uidlAll(), await this.client.listAll()];
    const sizeOf = new Map(sizes.map((entry) => [entry.number, entry.size]));
    const seen = new Map<string, number>();
    for (const entry of uidls) seen.set(entry.uid, (seen.get(entry.uid) ?? 0) + 1);
    const numbers = new Set<number>();
    const messages: SourceMessage[] = [];
    for (const entry of uidls) {
      if (!Number.isSafeInteger(entry.number) || entry.number < 1 || numbers.has(entry.number)) continue;
      numbers.add(entry.number);
      const stable = VALID_UIDL.test(entry.uid) && seen.get(entry.uid) === 1;
      const key = stable ? `pop3:${entry.uid}` : `pop3#${entry.number}:${await this.headerDigest(entry.number)}`;
      messages.push({
        key, folder: 'INBOX', number: entry.number, size: sizeOf.get(entry.number) ?? 0,
        // Only a UIDL that identifies the message goes into the trace header.
        ...(stable ? { uidl: entry.uid } : {}),
      });
    }
    this.unstableIdentities = messages.filter((message) => message.uidl === undefined).length;
    this.numbers = new Map(messages.map((message) => [message.key, message.number!]));
    return messages;
  }

  /** The message's bytes, preceded by `prefix`, in one buffer: one copy in memory. */
  async read(message: SourceMessage, prefix: Buffer): Promise<Buffer> {
    const number = this.numbers.get(message.key);
    if (number === undefined) throw new SourceMessageUnavailable('vanished', 'no longer on the old server');
    const ceiling = readCeiling(message.size);
    // LIST may under-report (servers that count LF line ends): the buffer grows as bytes arrive;
    // the client stops at the ceiling.
    const gathered = new MessageBuffer(message.size, ceiling, prefix);
    try {
      await this.client.retr(number, (chunk) => { gathered.append(chunk); }, ceiling);
    } catch (error) {
      if (error instanceof Pop3Refusal) throw new SourceMessageUnavailable('unreadable', `the old server would not give it (${error.message})`);
      if (error instanceof CheckFailure && error.reason === 'protocol') {
        throw new SourceMessageUnavailable('unreadable', `the old server sent more than ${ceiling} bytes for a message it announced as ${message.size}`, true);
      }
      throw error;
    }
    return gathered.bytes;
  }

  /** A stable digest of a message's header (`TOP n 0`), for messages without a usable UIDL. */
  private async headerDigest(number: number): Promise<string> {
    try {
      const header = await this.client.top(number, 0);
      return createHash('sha256').update(header).digest('hex').slice(0, 24);
    } catch (error) {
      // A server without TOP: the number alone (the copy check by content still guards duplicates).
      if (error instanceof Pop3Refusal) return 'no-top';
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.quit();
  }
}
