// The named functions the window sees (the preload exposes exactly these) and how to build them over
// a transport. Kept apart from the schemas so the sandboxed preload stays small and zod-free.
import type { InvokeChannel, PushChannel, PushOf, RequestOf, ResponseOf } from './contract.js';

/** The preload's named functions: friendly name → channel. The window sees these names only. */
export const apiMethods = {
  listAccounts: 'accounts:list',
  addAccount: 'accounts:add',
  updateAccount: 'accounts:update',
  removeAccount: 'accounts:remove',
  testConnection: 'accounts:test',
  discoverServer: 'accounts:discover',
  probeServer: 'accounts:probe',
  signInAccount: 'accounts:sign-in',
  reauthorize: 'accounts:reauthorize',
  checkNow: 'accounts:check-now',
  accountHistory: 'accounts:history',
  pause: 'accounts:pause',
  resume: 'accounts:resume',
  submitCredentials: 'credentials:submit',
  dismissCredentials: 'credentials:dismiss',
  askForCredentials: 'credentials:ask',
  trustCertificate: 'certificates:trust',
  dismissCertificate: 'certificates:dismiss',
  getPending: 'pending:get',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  openLink: 'app:open-link',
  saveDiagnostics: 'app:save-diagnostics',
  getMigration: 'migration:get',
  planMigration: 'migration:plan',
  startMigration: 'migration:start',
  trustMigrationCertificate: 'migration:trust-certificate',
  pauseMigration: 'migration:pause',
  resumeMigration: 'migration:resume',
  retireMigration: 'migration:retire',
} as const satisfies Record<string, InvokeChannel>;

export const apiEvents = {
  onAccountChanged: 'account-changed',
  onAccountRemoved: 'account-removed',
  onNewMail: 'new-mail',
  onCredentialsNeeded: 'credentials-needed',
  onCertificateUntrusted: 'certificate-untrusted',
  onSettingsChanged: 'settings-changed',
  onMigrationProgress: 'migration-progress',
  onMigrationChanged: 'migration-changed',
} as const satisfies Record<string, PushChannel>;

type MethodOf<C extends InvokeChannel> = RequestOf<C> extends undefined
  ? () => Promise<ResponseOf<C>>
  : (request: RequestOf<C>) => Promise<ResponseOf<C>>;

export type MailbeaconApi =
  & { [K in keyof typeof apiMethods]: MethodOf<(typeof apiMethods)[K]> }
  & { [K in keyof typeof apiEvents]: (listener: (payload: PushOf<(typeof apiEvents)[K]>) => void) => () => void };

/**
 * Builds the named-function API over any transport: Electron's ipcRenderer in the preload, HTTP in
 * the browser tests. The transport never reaches the window, only these functions.
 */
export function createApi(
  invoke: (channel: InvokeChannel, request: unknown) => Promise<unknown>,
  subscribe: (channel: PushChannel, listener: (payload: unknown) => void) => () => void,
): MailbeaconApi {
  const api: Record<string, unknown> = {};
  for (const [name, channel] of Object.entries(apiMethods)) {
    api[name] = (request?: unknown) => invoke(channel, request);
  }
  for (const [name, channel] of Object.entries(apiEvents)) {
    api[name] = (listener: (payload: unknown) => void) => subscribe(channel, listener);
  }
  return api as MailbeaconApi;
}

/** Every push channel the window may subscribe to. */
export const PUSH_CHANNELS: ReadonlySet<string> = new Set(Object.values(apiEvents));
