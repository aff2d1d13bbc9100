// The old mailbox over POP3: UIDL + LIST for the plan, RETR (streamed, byte-exact) for each message.
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import { Pop3Client } from '../protocols/pop3/pop3-client.js';
import type { SourceMessage } from './migration-types.js';
import type { SourceSession } from './migration-engine.js';

const IDLE_TIMEOUT_MS = 120_000;

export class Pop3Source implements SourceSession {
  readonly kind = 'pop3';
  private numbers = new Map<string, number>();

  private constructor(private readonly client: Pop3Client) {}

  static async open(options: OpenSessionOptions): Promise<Pop3Source> {
    const client = await Pop3Client.connect({
      host: options.endpoint.host, port: options.endpoint.port, security: options.endpoint.security,
      ca: options.ca, pinnedFingerprint: options.pinnedFingerprint, deadlineMs: options.deadlineMs,
    });
    try {
      await client.login(options.endpoint.user, options.password);
    } catch (error) {
      client.close();
      throw error;
    }
    client.finishAttempt(IDLE_TIMEOUT_MS);
    return new Pop3Source(client);
  }

  async list(): Promise<SourceMessage[]> {
    const [uidls, sizes] = [await this.client.uidlAll(), await this.client.listAll()];
    const sizeOf = new Map(sizes.map((entry) => [entry.number, entry.size]));
    this.numbers = new Map(uidls.map((entry) => [entry.uid, entry.number]));
    return uidls.map((entry) => ({
      key: `pop3:${entry.uid}`, folder: 'INBOX', uidl: entry.uid, number: entry.number, size: sizeOf.get(entry.number) ?? 0,
    }));
  }

  /** The message's bytes, preceded by `prefix`, in one buffer sized from LIST: one copy in memory. */
  async read(message: SourceMessage, prefix: Buffer): Promise<Buffer> {
    const number = message.uidl ? this.numbers.get(message.uidl) : undefined;
    if (number === undefined) throw new Error(`message ${message.key} is no longer on the server`);
    let buffer = Buffer.allocUnsafe(prefix.length + message.size);
    prefix.copy(buffer, 0);
    let length = prefix.length;
    await this.client.retr(number, (chunk) => {
      if (length + chunk.length > buffer.length) {
        // LIST under-reported the size: grow (rare; some servers count LF line ends).
        const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, length + chunk.length));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      chunk.copy(buffer, length);
      length += chunk.length;
    });
    return buffer.subarray(0, length);
  }

  async close(): Promise<void> {
    await this.client.quit();
  }
}
