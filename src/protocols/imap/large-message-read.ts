// A large message read from an IMAP server on a connection of our own: UID FETCH n (BODY.PEEK[]),
// its literal copied from the socket's chunks straight into one buffer of the literal's size, so
// the message is held once. imapflow gathers a literal as chunks, joins them and parses the response
// into objects: read through it, even in 4 MB partial FETCHes, a 50 MB message peaked at 1.5× its
// size (docs/BENCHMARKS.md, P6); POP3, whose client is ours, held it once.
import { CheckFailure, protocolFailure } from '../check-failure.js';
import { Deadline } from '../deadline.js';
import type { OpenSessionOptions } from '../mail-session.js';
import { MessageBuffer } from '../message-buffer.js';
import { ImapCommandRefused, ImapConversation, mailboxName, parseTagged } from './imap-conversation.js';

/** A literal we did not ask for (in an unsolicited response) is read and dropped up to this size. */
const OTHER_LITERAL_AT_MOST = 64 * 1024;
/** The read may take the no-progress time once per this many bytes of its ceiling, and once more. */
const BYTES_PER_NO_PROGRESS = 4 * 1024 * 1024;

export class LargeMessageReader {
  private selected: string | undefined;

  private constructor(private readonly conversation: ImapConversation, private readonly noProgressMs: number) {}

  /** Signs in (as ImapConversation does); `noProgressMs` bounds every silence of the server. */
  static async open(options: OpenSessionOptions, noProgressMs: number): Promise<LargeMessageReader> {
    return new LargeMessageReader(await ImapConversation.open({ ...options, deadlineMs: noProgressMs }), noProgressMs);
  }

  /**
   * The message's bytes, or undefined when the server no longer has it. A literal over `ceiling`
   * ends the connection as a `protocol` failure before any of it is held; a NO or BAD (to the
   * EXAMINE or the FETCH) is an ImapCommandRefused and the connection goes on. The whole read is
   * bounded by a deadline that grows with the ceiling; any silence by the no-progress time.
   */
  async read(path: string, uid: number, ceiling: number): Promise<Buffer | undefined> {
    const { wire } = this.conversation;
    const seconds = Math.round(this.noProgressMs * (1 + Math.ceil(ceiling / BYTES_PER_NO_PROGRESS)) / 1000);
    const deadline = new Deadline(seconds * 1000, () => {
      wire.fail(new CheckFailure('timeout', `the server did not send a message of at most ${ceiling} bytes in ${seconds} s`, { afterLogin: true }));
    });
    try {
      await this.examine(path);
      return await this.fetch(uid, ceiling);
    } finally {
      deadline.clear();
    }
  }

  async close(): Promise<void> {
    await this.conversation.close();
  }

  /** EXAMINE (read-only) `path` unless it is the folder already open. */
  private async examine(path: string): Promise<void> {
    if (this.selected === path) return;
    this.selected = undefined;
    const answer = await this.conversation.command(['EXAMINE ', mailboxName(path)]);
    if (answer.status !== 'OK') throw new ImapCommandRefused(answer.status, answer.text, answer.code);
    this.selected = path;
  }

  private async fetch(uid: number, ceiling: number): Promise<Buffer | undefined> {
    const { wire } = this.conversation;
    const tag = this.conversation.tag();
    await wire.write(`${tag} UID FETCH ${uid} (BODY.PEEK[])\r\n`);
    let found: Buffer | undefined;
    for (;;) {
      const { text, body } = await this.response(ceiling);
      if (text.startsWith('* ')) {
        this.conversation.untagged(text);
        // The UID is in the response (RFC 3501 §6.4.8); a body for another message is not ours.
        const said = /\bUID (\d+)/i.exec(text);
        if (body && (!said || Number(said[1]) === uid)) found = body;
        continue;
      }
      if (!text.startsWith(`${tag} `)) continue;
      const tagged = parseTagged(text.slice(tag.length + 1));
      if (!tagged) throw wire.fail(new CheckFailure('closed-by-server', `malformed answer: ${text.slice(0, 80)}`, { afterLogin: true }));
      if (tagged.status !== 'OK') throw new ImapCommandRefused(tagged.status, tagged.text, tagged.code);
      return found;
    }
  }

  /**
   * One response, its literals read as they come: a FETCH response's BODY[] straight into a buffer
   * of its size (held once); any other literal, small, read and dropped. `text` is the response
   * with each literal shown as its `{n}`.
   */
  private async response(ceiling: number): Promise<{ text: string; body: Buffer | undefined }> {
    const { wire } = this.conversation;
    let text = '';
    let body: Buffer | undefined;
    for (;;) {
      const part = await wire.readLineOrLiteral(-1);
      text += part.text;
      const size = part.literal;
      if (size === undefined) return { text, body };
      if (body === undefined && /^\* \d+ FETCH \(/i.test(text) && /BODY\[\](?:<0>)? $/i.test(part.text)) {
        if (size > ceiling) throw wire.fail(new CheckFailure('protocol', `the server sent more than ${ceiling} bytes for one message`, { afterLogin: true }));
        const into = new MessageBuffer(size, ceiling);
        await wire.readLiteral(into, size);
        body = into.bytes;
      } else {
        if (size > OTHER_LITERAL_AT_MOST) throw wire.fail(protocolFailure(`a literal of ${size} bytes where no message was asked for`, true));
        await wire.readLiteral(new MessageBuffer(size, size), size);
      }
      text += `{${size}}`;
    }
  }
}
