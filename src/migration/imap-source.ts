// The old mailbox over IMAP: every selectable folder, each message with its flags and INTERNALDATE.
import { CheckFailure } from '../protocols/check-failure.js';
import { ImapMailboxes } from '../protocols/imap/imap-mailboxes.js';
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import type { FolderInfo } from './folder-mapping.js';
import type { SourceSession } from './migration-engine.js';
import { noProgressMs, readCeiling, SourceMessageUnavailable, type SourceMessage } from './migration-types.js';

export class ImapSource implements SourceSession {
  readonly kind = 'imap';
  folders: FolderInfo[] = [];

  private constructor(private readonly mailboxes: ImapMailboxes) {}

  static async open(options: OpenSessionOptions): Promise<ImapSource> {
    return new ImapSource(await ImapMailboxes.open(options, noProgressMs(options.deadlineMs)));
  }

  /** Every message of every selectable folder (a long listing is bounded by the no-progress
   * timeout rather than one deadline). */
  async list(): Promise<SourceMessage[]> {
    this.folders = (await this.mailboxes.folders())
      .filter((folder) => folder.selectable)
      .map(({ path, delimiter, specialUse }) => ({ path, delimiter, specialUse }));
    const messages: SourceMessage[] = [];
    for (const folder of this.folders) {
      const { uidValidity, messages: listed } = await this.mailboxes.messages(folder.path);
      for (const message of listed) {
        messages.push({ key: `imap:${folder.path}:${uidValidity}:${message.uid}`, folder: folder.path, ...message });
      }
    }
    return messages;
  }

  folderInfo(path: string): FolderInfo {
    return this.folders.find((folder) => folder.path === path) ?? { path, delimiter: '/' };
  }

  /** The message's bytes, under a ceiling derived from its announced size, within the deadline. */
  async read(message: SourceMessage, prefix: Buffer): Promise<Buffer> {
    const ceiling = readCeiling(message.size);
    let source: Buffer | undefined;
    try {
      source = await this.mailboxes.messageSource(message.folder, message.uid!, ceiling);
    } catch (error) {
      if (error instanceof CheckFailure && error.reason === 'protocol') {
        throw new SourceMessageUnavailable('unreadable', `the old server sent more than ${ceiling} bytes for a message it announced as ${message.size}`, true);
      }
      throw error;
    }
    if (!source) throw new SourceMessageUnavailable('vanished', 'no longer on the old server');
    return prefix.length === 0 ? source : Buffer.concat([prefix, source]);
  }

  async close(): Promise<void> {
    await this.mailboxes.close();
  }
}
