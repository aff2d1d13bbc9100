// The window's view of the app: the named functions the preload exposes (or, in browser tests, the
// test bridge), typed by the shared contract. Nothing else crosses the boundary.
import type { MailbeaconApi } from '../../src/ipc/api.js';

declare global {
  interface Window { mailbeacon: MailbeaconApi }
}

export const api: MailbeaconApi = window.mailbeacon;

/** The message of a failed call, without Electron's "Error invoking remote method" wrapping. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '');
}
