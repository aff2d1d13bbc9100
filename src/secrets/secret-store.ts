/** The secrets port: one password per account URL, in the OS keychain. Async like the keychains. */
export interface SecretStore {
  getPassword(accountUrl: string): Promise<string | undefined>;
  setPassword(accountUrl: string, password: string): Promise<void>;
  deletePassword(accountUrl: string): Promise<boolean>;
}
