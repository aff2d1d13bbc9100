// The old mailbox over IMAP: every selectable folder, each message with its flags and INTERNALDATE.
import { CheckFailure } from '../protocols/check-failure.js';
import { ImapCommandRefused } from '../protocols/imap/imap-conversation.js';
import { ImapMailboxes } from '../protocols/imap/imap-mailboxes.js';
import { LargeMessageReader } from '../protocols/imap/large-message-read.js';
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import type { FolderInfo } from './folder-mapping.js';
import type { FolderMark, MigrationJournal } from './journal.js';
import type { SourceSession } from './migration-engine.js';
import { noProgressMs, readCeiling, SourceMessageUnavailable, type SourceMessage } from './migration-types.js';

/** A journal that knows no folder: every folder is listed whole. */
const NOTHING_LISTED_BEFORE: Pick<MigrationJournal, 'folderMark' | 'unfinishedUids'> = { folderMark: () => undefined, unfinishedUids: () => [] };

/** Messages up to this size are read ahead in batches; a larger one is read on its own, on a
 * connection of our own that holds it once (LargeMessageReader). */
const READ_AHEAD_MESSAGE_BYTES = 1024 * 1024;

export class ImapSource implements SourceSession {
  readonly kind = 'imap';
  folders: FolderInfo[] = [];
  /** Bytes read ahead for the batch being prepared, by message key: one batch at a time. */
  private aheadByKey = new Map<string, Buffer>();
  /** Signed in at the first large message, kept for the next ones. */
  private large: Promise<LargeMessageReader> | undefined;

  private constructor(private readonly mailboxes: ImapMailboxes, private readonly options: OpenSessionOptions) {}

  static async open(options: OpenSessionOptions): Promise<ImapSource> {
    return new ImapSource(await ImapMailboxes.open(options, noProgressMs(options.deadlineMs)), options);
  }

  /** Every message of every selectable folder, handed to `each` as listed (a long listing is
   * bounded by the no-progress timeout rather than one deadline). */
  async list(each: (message: SourceMessage) => void): Promise<void> {
    await this.listSince(NOTHING_LISTED_BEFORE, each);
  }

  /**
   * Like `list`, but a folder an earlier run processed (its mark in the journal) is asked only for
   * what is new since (UIDs from its UIDNEXT on), what changed since (CONDSTORE), and what that run
   * left unfinished: a catch-up of a large mailbox costs what changed, not what is there. A folder
   * whose server keeps no mod-sequences, or whose UIDVALIDITY changed, is listed whole. The marks
   * for the next run are in `marks` afterwards, to be written once this run has processed them.
   */
  async listSince(journal: Pick<MigrationJournal, 'folderMark' | 'unfinishedUids'>, each: (message: SourceMessage) => void): Promise<{ marks: Array<FolderMark & { path: string }>; resumed: Set<string> }> {
    this.folders = (await this.mailboxes.folders())
      .filter((folder) => folder.selectable)
      .map(({ path, delimiter, specialUse }) => ({ path, delimiter, specialUse }));
    const marks: Array<FolderMark & { path: string }> = [];
    const resumed = new Set<string>();
    for (const folder of this.folders) {
      const mark = journal.folderMark(folder.path) ?? { uidValidity: '', uidNext: 1 };
      const listed = await this.mailboxes.messagesSince(folder.path, mark, mark.uidValidity ? journal.unfinishedUids(folder.path, mark.uidValidity) : [], (message, uidValidity) => {
        each({ key: `imap:${folder.path}:${uidValidity}:${message.uid}`, folder: folder.path, ...message });
      });
      if (!listed.complete) resumed.add(folder.path);
      if (listed.uidNext !== undefined) marks.push({ path: folder.path, uidValidity: listed.uidValidity, uidNext: listed.uidNext, modseq: listed.modseq });
    }
    return { marks, resumed };
  }

  folderInfo(path: string): FolderInfo {
    return this.folders.find((folder) => folder.path === path) ?? { path, delimiter: '/' };
  }

  /**
   * Reads the small ones of these messages in one UID FETCH per folder, for `read` to hand out: a
   * batch costs one round trip instead of one per message (the old server answers while the new
   * one stores the batch before). Replaces what was read ahead before, keeping (not reading
   * again) what these messages already have; a message missing from the answer is read on its
   * own later (and found vanished then).
   */
  async readAhead(messages: SourceMessage[]): Promise<void> {
    const held = this.aheadByKey;
    this.aheadByKey = new Map();
    const byFolder = new Map<string, SourceMessage[]>();
    for (const message of messages) {
      const already = held.get(message.key);
      if (already) { this.aheadByKey.set(message.key, already); continue; }
      if (message.uid === undefined || message.size > READ_AHEAD_MESSAGE_BYTES) continue;
      const listed = byFolder.get(message.folder) ?? [];
      listed.push(message);
      byFolder.set(message.folder, listed);
    }
    for (const [folder, listed] of byFolder) {
      // Each literal under the largest ceiling of the lot; each message is held to its own below.
      const ceiling = Math.max(...listed.map((message) => readCeiling(message.size)));
      const sources = await this.mailboxes.messageSources(folder, listed.map((message) => message.uid!), ceiling);
      for (const message of listed) {
        const source = sources.get(message.uid!);
        if (source) this.aheadByKey.set(message.key, source);
      }
    }
  }

  /** The message's bytes, under a ceiling derived from its announced size, within the deadline. */
  async read(message: SourceMessage, prefix: Buffer): Promise<Buffer> {
    const ceiling = readCeiling(message.size);
    let source = this.aheadByKey.get(message.key);
    this.aheadByKey.delete(message.key);
    if (source && source.length > ceiling) {
      throw new SourceMessageUnavailable('unreadable', `the old server sent more than ${ceiling} bytes for a message it announced as ${message.size}`);
    }
    try {
      source ??= message.size > READ_AHEAD_MESSAGE_BYTES
        ? await this.readLarge(message, ceiling)
        : await this.mailboxes.messageSource(message.folder, message.uid!, ceiling);
    } catch (error) {
      if (error instanceof CheckFailure && error.reason === 'protocol') {
        throw new SourceMessageUnavailable('unreadable', `the old server sent more than ${ceiling} bytes for a message it announced as ${message.size}`, true);
      }
      throw error;
    }
    if (!source) throw new SourceMessageUnavailable('vanished', 'no longer on the old server');
    return prefix.length === 0 ? source : Buffer.concat([prefix, source]);
  }

  /** A large message on its own connection. Its failures end that connection only (the next
   * large message signs in again); the listing's connection goes on. A connection kept from an
   * earlier large message that the server has closed since (idle servers log out after ~30
   * minutes) is replaced once, at once, instead of failing the read. */
  private async readLarge(message: SourceMessage, ceiling: number): Promise<Buffer | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const kept = this.large !== undefined;
      const opening = this.large ??= LargeMessageReader.open(this.options, noProgressMs(this.options.deadlineMs));
      let reader: LargeMessageReader;
      try {
        reader = await opening;
      } catch (error) {
        this.large = undefined;
        throw error;
      }
      try {
        return await reader.read(message.folder, message.uid!, ceiling);
      } catch (error) {
        if (error instanceof ImapCommandRefused) throw new SourceMessageUnavailable('unreadable', `the old server would not send it: ${error.responseText || error.responseStatus}`);
        this.large = undefined;
        void reader.close();
        if (error instanceof CheckFailure && error.reason === 'protocol') {
          throw new SourceMessageUnavailable('unreadable', `the old server sent more than ${ceiling} bytes for a message it announced as ${message.size}`);
        }
        const closedWhileIdle = kept && attempt === 1 && error instanceof CheckFailure && (error.reason === 'closed-by-server' || error.reason === 'network');
        if (!closedWhileIdle) throw error;
      }
    }
  }

  async close(): Promise<void> {
    const large = this.large;
    this.large = undefined;
    await Promise.all([this.mailboxes.close(), large?.then((reader) => reader.close(), () => undefined)]);
  }
}
