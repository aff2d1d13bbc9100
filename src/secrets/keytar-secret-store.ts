// The OS keychain through keytar: macOS Keychain, Windows Credential Manager, Secret Service
// (gnome-keyring, KWallet) on Linux. keytar is loaded on first use so that commands which never
// touch the keychain work on machines without one.
import { createRequire } from 'node:module';
import { KeychainUnavailableError, type SecretStore } from './secret-store.js';

export { KeychainUnavailableError } from './secret-store.js';

export const KEYCHAIN_SERVICE = 'Mailbeacon';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

let loaded: Keytar | undefined;

function keytar(): Keytar {
  if (!loaded) {
    try {
      loaded = createRequire(import.meta.url)('keytar') as Keytar;
    } catch (error) {
      throw new KeychainUnavailableError(`the OS keychain is not available (keytar: ${(error as Error).message.split('\n')[0]})`);
    }
  }
  return loaded;
}

/** keytar rejects with the platform's message; none of them contain the secret. */
async function call<T>(what: string, run: (k: Keytar) => Promise<T>): Promise<T> {
  try {
    return await run(keytar());
  } catch (error) {
    if (error instanceof KeychainUnavailableError) throw error;
    throw new KeychainUnavailableError(`the OS keychain refused to ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export class KeytarSecretStore implements SecretStore {
  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  async getPassword(accountUrl: string): Promise<string | undefined> {
    return (await call('read a password', (k) => k.getPassword(this.service, accountUrl))) ?? undefined;
  }

  setPassword(accountUrl: string, password: string): Promise<void> {
    return call('save a password', (k) => k.setPassword(this.service, accountUrl, password));
  }

  deletePassword(accountUrl: string): Promise<boolean> {
    return call('delete a password', (k) => k.deletePassword(this.service, accountUrl));
  }
}
