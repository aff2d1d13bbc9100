/** The secrets port: one password per account URL, in the OS keychain. Async like the keychains. */
export interface SecretStore {
  getPassword(accountUrl: string): Promise<string | undefined>;
  setPassword(accountUrl: string, password: string): Promise<void>;
  deletePassword(accountUrl: string): Promise<boolean>;
}

/** The keychain cannot be reached or read (none installed, locked, its service down). */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
}
