// An IMAP connection that only APPENDs, streaming each message's literal from its buffer in bounded
// pieces. imapflow builds the whole APPEND command as one buffer and then adds its CRLF with another
// concatenation, and TLS holds what it has not sent yet: a 50 MB message cost ~4× its size at peak
// (docs/BENCHMARKS.md, P6), where imapsync needs 2×. It is also the migration's fast path: every
// message goes through it, in batches — LITERAL+ (RFC 7888) so nothing waits for a go-ahead, and
// MULTIAPPEND (RFC 3502) so a batch of one folder is one command and one transaction on the server
// (imapflow offers neither). Folders, the duplicate search and flag updates stay on imapflow. The
// sign-in and single commands are ImapConversation's; this adds APPEND and its pipeline.
import { CheckFailure } from '../check-failure.js';
import type { OpenSessionOptions } from '../mail-session.js';
import { ImapCommandRefused, ImapConversation, mailboxName, quoted, type Part, type Tagged, parseTagged } from './imap-conversation.js';

export { ImapCommandRefused, type Tagged } from './imap-conversation.js';

export class StreamingAppendSession {
  private constructor(private readonly conversation: ImapConversation) {}

  /** `connecting`: a connection made beforehand (ImapConversation.connect), signed in now. */
  static async open(options: OpenSessionOptions, connecting?: Promise<ImapConversation>): Promise<StreamingAppendSession> {
    return new StreamingAppendSession(await ImapConversation.open(options, connecting));
  }

  /** APPENDs `content` to `path`; the UID and UIDVALIDITY when the server says them (UIDPLUS). */
  async append(path: string, content: Buffer, flags: string[], date: Date | undefined): Promise<{ uid?: number; uidValidity?: string }> {
    const answer = await this.conversation.command(appendParts({ path, content, flags, date }));
    if (answer.status !== 'OK') throw new ImapCommandRefused(answer.status, answer.text, answer.code);
    return appendedUid(answer);
  }

  /** Several APPENDs can be in flight at once: the server takes literals without a go-ahead. */
  get canPipeline(): boolean { return this.conversation.has('LITERAL+'); }

  /**
   * A batch of messages sent back to back (RFC 7888 LITERAL+: no round trip per message): one
   * MULTIAPPEND per run of messages for one folder where the server offers it, else one APPEND
   * each. Every message's answer is reported to `onAnswer` once, as the server's tagged response
   * arrives. A dropped connection throws (the messages not yet answered have no outcome); a
   * refusal is that message's answer only.
   */
  async appendMany(items: AppendItem[], onAnswer: (index: number, answer: AppendAnswer) => void): Promise<void> {
    if (!this.canPipeline) {
      for (const [index, item] of items.entries()) {
        try {
          onAnswer(index, { ok: true, ...(await this.append(item.path, item.content, item.flags, item.date)) });
        } catch (error) {
          if (!(error instanceof ImapCommandRefused)) throw error;
          onAnswer(index, { ok: false, refused: error });
        }
      }
      return;
    }
    if (!this.conversation.has('MULTIAPPEND')) {
      await this.pipelined(items.map((item, index) => ({ parts: appendParts(item), indexes: [index] })), (indexes, tagged) => onAnswer(indexes[0]!, answerOf(tagged)));
      return;
    }
    // RFC 3502 MULTIAPPEND: the messages of one folder in one command, stored by the server in one
    // transaction (Dovecot: ~3x faster than one APPEND each). All or none: a refused command says
    // nothing about which message it minded, so that folder's messages go again one by one, each
    // getting its own answer.
    const commands: Array<{ parts: Part[]; indexes: number[] }> = [];
    for (const [index, item] of items.entries()) {
      const last = commands.at(-1);
      if (last && items[last.indexes[0]!]!.path === item.path) {
        last.parts.push(...messageParts(item));
        last.indexes.push(index);
      } else {
        commands.push({ parts: ['APPEND ', mailboxName(item.path), ...messageParts(item)], indexes: [index] });
      }
    }
    const again: number[] = [];
    await this.pipelined(commands, (indexes, tagged) => {
      if (tagged.status !== 'OK' && indexes.length > 1) { again.push(...indexes); return; }
      if (tagged.status !== 'OK') { onAnswer(indexes[0]!, answerOf(tagged)); return; }
      const uids = appendedUids(tagged, indexes.length);
      for (const [position, index] of indexes.entries()) {
        onAnswer(index, { ok: true, ...(uids ? { uid: uids.uids[position]!, uidValidity: uids.uidValidity } : {}) });
      }
    });
    if (again.length > 0) {
      await this.pipelined(again.map((index) => ({ parts: appendParts(items[index]!), indexes: [index] })), (indexes, tagged) => onAnswer(indexes[0]!, answerOf(tagged)));
    }
  }

  /**
   * Commands sent back to back, their literals without waiting (LITERAL+), each tagged answer
   * handed to `onTagged` as it arrives. A dropped connection throws; the commands it did not
   * answer have no outcome.
   */
  private async pipelined(commands: Array<{ parts: Part[]; indexes: number[] }>, onTagged: (indexes: number[], tagged: Tagged) => void): Promise<void> {
    const tags = new Map<string, number[]>();
    for (const { parts, indexes } of commands) {
      const tag = this.conversation.tag();
      tags.set(tag, indexes);
      let pending = `${tag} `;
      for (const part of parts) {
        if (typeof part === 'string') { pending += part; continue; }
        await this.conversation.wire.write(`${pending}{${part.literal.length}+}\r\n`);
        await this.conversation.writeLiteral(part.literal);
        pending = '';
      }
      await this.conversation.wire.write(`${pending}\r\n`);
    }
    while (tags.size > 0) {
      const line = await this.conversation.wire.readLine();
      if (line.startsWith('* ')) { this.conversation.untagged(line); continue; }
      if (line.startsWith('+')) throw this.conversation.wire.fail(new CheckFailure('closed-by-server', 'the server asked for a go-ahead it had said it does not need (LITERAL+)', { afterLogin: true }));
      const space = line.indexOf(' ');
      const indexes = space > 0 ? tags.get(line.slice(0, space)) : undefined;
      if (indexes === undefined) continue;
      tags.delete(line.slice(0, space));
      const tagged = parseTagged(line.slice(space + 1));
      if (!tagged) throw this.conversation.wire.fail(new CheckFailure('closed-by-server', `malformed answer: ${line.slice(0, 80)}`, { afterLogin: true }));
      onTagged(indexes, tagged);
    }
  }

  async close(): Promise<void> {
    await this.conversation.close();
  }
}

export interface AppendItem { path: string; content: Buffer; flags: string[]; date: Date | undefined }
export type AppendAnswer = { ok: true; uid?: number; uidValidity?: string } | { ok: false; refused: ImapCommandRefused };

function appendParts(item: AppendItem): Part[] {
  return ['APPEND ', mailboxName(item.path), ...messageParts(item)];
}

/** One message of an APPEND: its flags, its date and its bytes (repeated for MULTIAPPEND). */
function messageParts(item: AppendItem): Part[] {
  const flagList = item.flags.filter(isSettableFlag);
  return [flagList.length ? ` (${flagList.join(' ')})` : '',
    item.date && !Number.isNaN(item.date.getTime()) ? ` ${quoted(internalDate(item.date))}` : '', ' ', { literal: item.content }];
}

function refusalOf(tagged: Tagged): ImapCommandRefused {
  return new ImapCommandRefused(tagged.status === 'OK' ? 'NO' : tagged.status, tagged.text, tagged.code);
}

/** RFC 4315 APPENDUID after a MULTIAPPEND: a UID set (`7:9` or `7,9,12`) in the order of the
 * messages sent; undefined unless it names exactly `count` UIDs. */
export function appendedUids(answer: Pick<Tagged, 'code' | 'codeArgs'>, count: number): { uidValidity: string; uids: number[] } | undefined {
  if (answer.code !== 'APPENDUID') return undefined;
  const [uidValidity, set] = answer.codeArgs;
  if (!uidValidity || !/^\d{1,10}$/.test(uidValidity) || !set) return undefined;
  const uids: number[] = [];
  for (const range of set.split(',')) {
    const match = /^(\d{1,10})(?::(\d{1,10}))?$/.exec(range);
    if (!match) return undefined;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    // RFC 4315 lets a range run either way; more UIDs than messages is no answer for these.
    const step = to >= from ? 1 : -1;
    for (let uid = from; ; uid += step) {
      uids.push(uid);
      if (uids.length > count) return undefined;
      if (uid === to) break;
    }
  }
  return uids.length === count ? { uidValidity, uids } : undefined;
}

function appendedUid(answer: Tagged): { uid?: number; uidValidity?: string } {
  const appended = appendedUids(answer, 1);
  return appended ? { uid: appended.uids[0]!, uidValidity: appended.uidValidity } : {};
}

/** One APPEND's answer: stored (with its UID when told), or refused. */
function answerOf(tagged: Tagged): AppendAnswer {
  return tagged.status === 'OK' ? { ok: true, ...appendedUid(tagged) } : { ok: false, refused: refusalOf(tagged) };
}

const SYSTEM_FLAGS = new Set(['\\SEEN', '\\ANSWERED', '\\FLAGGED', '\\DELETED', '\\DRAFT']);

/** System flags other than \Recent, and keywords that are atoms (RFC 3501 flag-keyword). */
function isSettableFlag(flag: string): boolean {
  if (flag.startsWith('\\')) return SYSTEM_FLAGS.has(flag.toUpperCase());
  return /^[^\s(){%*"\\\]\x00-\x1f\x7f-\uffff]+$/.test(flag);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3501 date-time, in UTC: "dd-Mon-yyyy hh:mm:ss +0000". */
function internalDate(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${day}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${date.toISOString().slice(11, 19)} +0000`;
}
