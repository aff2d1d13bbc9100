// The one way out of the app to the web or a mail client: only http(s) and mailto, never file:,
// javascript: or a custom scheme that could launch something else.
import { shell } from 'electron';

export function isSafeExternalLink(link: string): boolean {
  try {
    const { protocol } = new URL(link);
    return protocol === 'https:' || protocol === 'http:' || protocol === 'mailto:';
  } catch {
    return false;
  }
}

export async function openExternalSafely(link: string): Promise<void> {
  if (!isSafeExternalLink(link)) throw new Error('only http(s) and mailto links can be opened');
  await shell.openExternal(link);
}
