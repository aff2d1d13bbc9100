// The new mailbox: folders created as needed, APPEND with flags and INTERNALDATE, and a search that
// recognises a message whose earlier APPEND may have landed before a crash.
import { CheckFailure } from '../protocols/check-failure.js';
import { ImapMailboxes, ImapRefusal, isTransientAppendCode } from '../protocols/imap/imap-mailboxes.js';
import { ImapConversation } from '../protocols/imap/imap-conversation.js';
import { StreamingAppendSession, type AppendItem } from '../protocols/imap/streaming-append.js';
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import type { FolderInfo } from './folder-mapping.js';
import { noProgressMs } from './migration-types.js';
import { headerHash } from './message-facts.js';

export type BatchAnswer = { ok: true; uid?: number; uidValidity?: string } | { ok: false; reason: string; transient: boolean };

export interface ContentIndex {
  uidValidity: string;
  /** X-UIDL value → UIDs (POP3 sources copied with the trace header). */
  byTrace: Map<string, number[]>;
  /** contentKey(size, header hash) → UIDs. */
  byContent: Map<string, number[]>;
}

export function contentKey(size: number, hash: string): string {
  return `${size}:${hash}`;
}

export interface CopyProbe {
  /** The trace header the copy would carry (`X-UIDL`), if the design adds one. */
  trace?: { name: string; value: string } | undefined;
  messageId?: string | undefined;
  size: number;
  headerHash: string;
}

export class AppendRefused extends Error {
  override readonly name = 'AppendRefused';
}

/** What tests and benchmarks call a large message: one imapflow's APPEND would have held about four
 * times over (the migration sends every message on its own streaming connection in any case). */
export const STREAMED_APPEND_BYTES = 1024 * 1024;

export class ImapTarget {
  folders: FolderInfo[] = [];
  delimiter = '/';
  private readonly known = new Set<string>();
  private streaming: StreamingAppendSession | undefined;
  /** The streaming connection signing in beside the first (see open). */
  private streamingOpening: Promise<StreamingAppendSession> | undefined;

  private constructor(private readonly mailboxes: ImapMailboxes, private readonly options: OpenSessionOptions) {}

  /** `appendsExpected`: the streaming APPEND connection connects (TCP, TLS, greeting) beside the
   * first one and signs in once the first one's login is accepted (never before: a refused
   * password must cost one failed login, not two), while the folders are listed — instead of at
   * the first APPEND: a TLS handshake and a sign-in off the critical path of a short catch-up. */
  static async open(options: OpenSessionOptions, appendsExpected = false): Promise<ImapTarget> {
    const connecting = appendsExpected ? ImapConversation.connect(options) : undefined;
    connecting?.catch(() => undefined); // met at the sign-in below, or closed unused
    let mailboxes: ImapMailboxes;
    try {
      mailboxes = await ImapMailboxes.open(options, noProgressMs(options.deadlineMs));
    } catch (error) {
      void connecting?.then((connection) => connection.close(), () => undefined);
      throw error;
    }
    const target = new ImapTarget(mailboxes, options);
    if (connecting) {
      target.streamingOpening = StreamingAppendSession.open(options, connecting);
      target.streamingOpening.catch(() => undefined); // an early failure is met again at the first APPEND
    }
    let folders: Awaited<ReturnType<ImapMailboxes['folders']>>;
    try {
      folders = await target.mailboxes.folders();
    } catch (error) {
      await target.close();
      throw error;
    }
    target.folders = folders.map(({ path, delimiter, specialUse }) => ({ path, delimiter, specialUse }));
    target.delimiter = folders.find((folder) => folder.delimiter)?.delimiter ?? '/';
    // Only a folder that can hold messages counts as there: a parent listed as \Noselect (left by
    // a run killed after creating its child) must still be created.
    for (const folder of folders) if (folder.selectable) target.known.add(folder.path);
    return target;
  }

  /** RFC 7889 APPENDLIMIT, when the server announces one. */
  get appendLimit(): number | undefined { return this.mailboxes.appendLimit; }

  /** Creates the folder, and first each parent that is missing or cannot hold messages. A folder
   * the server will not create refuses every message meant for it (AppendRefused). */
  async ensureFolder(path: string): Promise<void> {
    if (this.known.has(path)) return;
    const parts = path.split(this.delimiter);
    for (let depth = 1; depth <= parts.length; depth += 1) {
      const folder = parts.slice(0, depth).join(this.delimiter);
      if (this.known.has(folder)) continue;
      try {
        await this.mailboxes.create(folder);
      } catch (error) {
        throw error instanceof ImapRefusal ? new AppendRefused(error.message) : error;
      }
      this.known.add(folder);
    }
  }

  uidValidity(path: string): Promise<string> { return this.mailboxes.uidValidity(path); }

  /** One message, the way the migration sends every message (appendBatch): resolves after the
   * server's tagged OK; AppendRefused when the server says NO to this message; a "not now" or a
   * lost connection is a CheckFailure the caller retries after a reconnect. */
  async append(path: string, content: Buffer, flags: string[], date: Date | undefined): Promise<{ uid?: number; uidValidity?: string }> {
    let answer: BatchAnswer | undefined;
    await this.appendBatch([{ path, content, flags, date }], (_index, received) => { answer = received; });
    if (!answer) throw new CheckFailure('closed-by-server', 'the server did not answer the APPEND', { afterLogin: true });
    if (answer.ok) return { ...(answer.uid !== undefined ? { uid: answer.uid } : {}), ...(answer.uidValidity !== undefined ? { uidValidity: answer.uidValidity } : {}) };
    if (answer.transient) throw new CheckFailure('closed-by-server', `the server cannot take the message now: ${answer.reason}`, { afterLogin: true });
    throw new AppendRefused(answer.reason);
  }

  /** The one signed in beside the first connection when it worked, else a new one. */
  private async openStreaming(): Promise<StreamingAppendSession> {
    const early = this.streamingOpening;
    this.streamingOpening = undefined;
    if (early) {
      try {
        return await early;
      } catch {
        // Signed in again below: the failure that counts is the one met now.
      }
    }
    return StreamingAppendSession.open(this.options);
  }

  /**
   * Many APPENDs in flight on the streaming connection (LITERAL+), each answer reported as it
   * arrives: the UID, or why this message was refused (`transient`: "not now", to be retried).
   * A lost connection throws; the messages it did not answer have no outcome.
   */
  async appendBatch(items: AppendItem[], onAnswer: (index: number, answer: BatchAnswer) => void): Promise<void> {
    this.streaming ??= await this.openStreaming();
    try {
      await this.streaming.appendMany(items, (index, answer) => {
        if (answer.ok) { onAnswer(index, answer); return; }
        const reason = answer.refused.responseText || answer.refused.message;
        onAnswer(index, { ok: false, reason, transient: isTransientAppendCode(answer.refused.serverResponseCode) });
      });
    } catch (error) {
      if (error instanceof CheckFailure) {
        const dead = this.streaming;
        this.streaming = undefined;
        await dead?.close();
      }
      throw error;
    }
  }

  /** Whether the folder was there (holding messages or not) when this session began. */
  has(path: string): boolean { return this.known.has(path); }

  /**
   * What a folder already holds, keyed the way a copy is recognised: the trace header's value, and
   * size + header hash. Built once per folder, when there is no journal to say what came from us.
   */
  async contentIndex(path: string): Promise<ContentIndex> {
    if (!this.known.has(path)) return { uidValidity: '', byTrace: new Map(), byContent: new Map() };
    const { uidValidity, messages } = await this.mailboxes.headersOf(path);
    const byTrace = new Map<string, number[]>();
    const byContent = new Map<string, number[]>();
    const add = (map: Map<string, number[]>, key: string, uid: number): void => {
      const list = map.get(key);
      if (list) list.push(uid); else map.set(key, [uid]);
    };
    for (const message of messages) {
      add(byContent, contentKey(message.size, headerHash(message.headers)), message.uid);
      const trace = /^x-uidl:[ \t]*(\S+)/im.exec(message.headers.toString('latin1'));
      if (trace) add(byTrace, trace[1]!, message.uid);
    }
    return { uidValidity, byTrace, byContent };
  }

  /** UID STORE of flag changes carried over from the old mailbox. */
  updateFlags(path: string, uids: number[], add: string[], remove: string[]): Promise<void> {
    return this.mailboxes.updateFlags(path, uids, add, remove);
  }

  /** UIDs in `path` holding this very message (same size and header, and trace or Message-ID). */
  async findCopies(path: string, probe: CopyProbe): Promise<number[]> {
    if (!this.known.has(path)) return [];
    const query = probe.trace ? { header: { [probe.trace.name]: probe.trace.value } }
      : probe.messageId ? { header: { 'message-id': probe.messageId } }
        : { size: probe.size };
    const found = await this.mailboxes.search(path, query);
    return found.filter((message) => message.size === probe.size && headerHash(message.headers) === probe.headerHash).map((message) => message.uid);
  }

  async close(): Promise<void> {
    const streaming = this.streaming;
    this.streaming = undefined;
    const early = this.streamingOpening;
    this.streamingOpening = undefined;
    await Promise.all([this.mailboxes.close(), streaming?.close(), early?.then((session) => session.close(), () => undefined)]);
  }
}
