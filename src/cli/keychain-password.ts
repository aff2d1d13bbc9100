// A saved account's password, read from the keychain afresh for every attempt so a password
// replaced meanwhile (by `accounts add`, the desktop app, or an answer in `watch`) is used at once.
import { CheckFailure } from '../protocols/check-failure.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { AccountContext } from './account-context.js';

export function keychainPassword(secrets: SecretStore, context: Pick<AccountContext, 'url' | 'registry'>, first?: string): () => Promise<string> {
  let last = first;
  return async () => {
    let current: string | undefined;
    try {
      current = await secrets.getPassword(context.url);
    } catch {
      // The keychain unreachable for a moment: try with the password we had, if any.
      current = undefined;
    }
    if (current) {
      context.registry.add(current);
      last = current;
      return current;
    }
    if (last !== undefined) return last;
    throw new CheckFailure('credentials-missing', 'there is no password for this account in the keychain');
  };
}
