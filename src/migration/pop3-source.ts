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
import { keyDigest } from './key-index.js';
import { RepeatFinder, SizeTable } from './pop3-listing-tables.js';

/** A buffer left behind this large is collected at once (see `read`). */
const COLLECT_OUTGROWN_BYTES = 4 * 1024 * 1024;
const VALID_UIDL = /^[\x21-\x7e]{1,70}$/;

export class Pop3Source implements SourceSession {
  readonly kind = 'pop3';
  unstableIdentities = 0;

  private constructor(private readonly client: Pop3Client, private readonly collectGarbage: (() => void) | undefined) {}

  /** `collectGarbage`: run when a large message's buffer has grown past its up-front reserve (see
   * `read`). */
  static async open(options: OpenSessionOptions, collectGarbage?: () => void): Promise<Pop3Source> {
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
    return new Pop3Source(client, collectGarbage);
  }

  /**
   * Every message, as the listings arrive: LIST's sizes into a compact table, then UIDL twice —
   * once to find UIDLs and numbers that repeat (12 bytes a message while it runs), once to hand out
   * the messages. The maildrop is locked for the session (RFC 1939 §8), so both UIDLs agree; a
   * mailbox of 100,000 messages never becomes 100,000 objects. Messages without a usable UIDL
   * come last (their identity needs a TOP each, which cannot be sent while a listing streams in).
   */
  async list(each: (message: SourceMessage) => void): Promise<void> {
    const sizes = new SizeTable();
    await this.client.listEach((entry) => sizes.add(entry.number, entry.size));
    const repeated = await this.repeats(sizes.count);
    // A number listed twice counts once: the first line that names it.
    const taken = new Set<number>();
    const unstable: number[] = [];
    await this.client.uidlEach((entry) => {
      if (!Number.isSafeInteger(entry.number) || entry.number < 1 || entry.number > 0xffff_ffff) return;
      if (repeated.numbers.has(entry.number)) {
        if (taken.has(entry.number)) return;
        taken.add(entry.number);
      }
      if (!VALID_UIDL.test(entry.uid) || repeated.uidls.has(digestOf(entry.uid))) { unstable.push(entry.number); return; }
      // Only a UIDL that identifies the message goes into the trace header.
      each({ key: `pop3:${entry.uid}`, folder: 'INBOX', number: entry.number, size: sizes.get(entry.number), uidl: entry.uid });
    });
    for (const number of unstable) {
      each({ key: `pop3#${number}:${await this.headerDigest(number)}`, folder: 'INBOX', number, size: sizes.get(number) });
    }
    this.unstableIdentities = unstable.length;
  }

  /** What the UIDL listing repeats: digests of UIDLs that occur more than once (a digest two UIDLs
   * share by chance makes both "repeated": identified by content, which is safe), and message
   * numbers listed more than once. `expected`: how many lines LIST gave. */
  private async repeats(expected: number): Promise<{ uidls: Set<number>; numbers: Set<number> }> {
    const finder = new RepeatFinder(expected);
    await this.client.uidlEach((entry) => finder.add(entry.number, digestOf(entry.uid)));
    return finder.repeats();
  }

  /** The message's bytes, preceded by `prefix`, in one buffer: one copy in memory. */
  async read(message: SourceMessage, prefix: Buffer): Promise<Buffer> {
    const number = message.number;
    if (number === undefined) throw new SourceMessageUnavailable('vanished', 'no longer on the old server');
    const ceiling = readCeiling(message.size);
    // LIST may under-report (servers that count LF line ends): the buffer grows as bytes arrive;
    // the client stops at the ceiling.
    // A large message's buffer starts at MessageBuffer's up-front reserve (16 MB) and then moves to
    // its full size: the reserve left behind is collected at once, or it may outlive the message
    // (a 50 MB one peaked at 1.0x its size in one run, 1.4x in another).
    const gathered = new MessageBuffer(message.size, ceiling, prefix, (left) => { if (left >= COLLECT_OUTGROWN_BYTES) this.collectGarbage?.(); });
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

/** 53 bits of the UIDL's digest: a number, exact in a double (no BigInt to allocate per line). */
function digestOf(uidl: string): number {
  const [high, low] = keyDigest(uidl);
  return (high & 0x1f_ffff) * 2 ** 32 + low;
}
