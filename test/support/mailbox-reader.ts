// Reads a whole mailbox back over IMAP (every folder, every message's bytes, flags and date), for
// tests that compare a migrated mailbox with its source.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';

export interface StoredMessage { folder: string; sha256: string; size: number; flags: string[]; internalDate: string; source: Buffer }

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Removes the one trace header a migration may prepend. */
export function withoutTrace(message: Buffer): Buffer {
  const text = message.subarray(0, 200).toString('latin1');
  if (!text.startsWith('X-UIDL: ')) return message;
  return message.subarray(text.indexOf('\r\n') + 2);
}

export async function readMailbox(port: number, user: string, password: string, caFile: string, options: { withSource?: boolean } = {}): Promise<StoredMessage[]> {
  const client = new ImapFlow({
    host: '127.0.0.1', port, secure: true, auth: { user, pass: password }, logger: false,
    tls: { ca: readFileSync(caFile, 'utf8') },
  });
  client.on('error', () => undefined);
  await client.connect();
  const out: StoredMessage[] = [];
  try {
    for (const folder of await client.list()) {
      if (folder.flags.has('\\Noselect')) continue;
      const mailbox = await client.mailboxOpen(folder.path, { readOnly: true });
      if (mailbox.exists === 0) continue;
      for await (const message of client.fetch('1:*', { uid: true, source: true, flags: true, internalDate: true, size: true })) {
        const source = withoutTrace(message.source!);
        out.push({
          folder: folder.path, sha256: sha256(source), size: message.size ?? 0,
          flags: [...(message.flags ?? [])].sort(), internalDate: new Date(message.internalDate!).toISOString(),
          source: options.withSource ? message.source! : Buffer.alloc(0),
        });
      }
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return out;
}
