// Every invoke channel of the contract, answered by the app core. main/ registers these through its
// sender-checking handle(); the browser-test bridge serves the very same functions over HTTP.
import type { InvokeChannel, RequestOf, ResponseOf } from '../ipc/contract.js';
import { saveDiagnostics } from '../support/diagnostics.js';
import { AppCoreError, type AppCore } from './app-core.js';

export interface IpcPlatform {
  openLink: (link: string) => Promise<void>;
  /** Asks the user where to save a file (the platform's save dialog); undefined when cancelled.
   * The page never names a path: only this answer is written to. */
  chooseSavePath: (suggestedName: string) => Promise<string | undefined>;
}

type Answer<T> = [T] extends [undefined] ? void | Promise<void> : T | Promise<T>;
export type IpcHandlers = { [C in InvokeChannel]: (request: RequestOf<C>) => Answer<ResponseOf<C>> };

export function createIpcHandlers(core: AppCore, platform: IpcPlatform): IpcHandlers {
  return {
    'accounts:list': () => core.listAccounts(),
    'accounts:add': (input) => core.addAccount(input),
    'accounts:update': ({ url, ...changes }) => core.updateAccount(url, changes),
    'accounts:remove': ({ url }) => core.removeAccount(url),
    'accounts:test': (input) => core.testConnection(input),
    'accounts:discover': ({ address }) => core.discoverForWindow(address),
    'accounts:probe': (server) => core.probeForWindow(server),
    'accounts:sign-in': ({ address }) => core.signInAccount(address),
    'accounts:reauthorize': ({ url }) => core.reauthorize(url),
    'accounts:check-now': ({ url, force }) => core.checkNow(url, force === true),
    'accounts:history': ({ url }) => core.history(url),
    'accounts:pause': ({ url }) => core.pause(url),
    'accounts:resume': ({ url }) => core.resume(url),
    'credentials:submit': ({ url, password }) => core.submitCredentials(url, password),
    'credentials:dismiss': ({ url }) => core.dismissCredentials(url),
    'credentials:ask': ({ url }) => core.askForCredentials(url),
    'certificates:trust': ({ url, fingerprint256 }) => core.trustCertificate(url, fingerprint256),
    'certificates:dismiss': ({ url }) => core.dismissCertificate(url),
    'pending:get': () => core.pending(),
    'settings:get': () => core.settings(),
    'settings:set': (settings) => core.saveSettings(settings),
    'app:open-link': ({ link }) => {
      // The page may open only an account's own webmail link, or a mail client (mailto:).
      if (!core.mayOpenLink(link)) throw new AppCoreError('only an account\'s webmail link or a mailto: link can be opened');
      return platform.openLink(link);
    },
    'app:save-diagnostics': async () => {
      const path = await platform.chooseSavePath(`mailbeacon-diagnostics-${new Date().toISOString().slice(0, 10)}.json`);
      if (!path) return { path: null };
      try {
        // Gathered once the user has chosen where: the state as it is when saved.
        saveDiagnostics(path, core.diagnostics());
      } catch (error) {
        throw new AppCoreError(`the diagnostics could not be written to ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return { path };
    },
    'migration:get': ({ url }) => core.migration(url),
    'migration:plan': ({ url, source }) => core.planMigration(url, source),
    'migration:start': ({ url, source }) => core.startMigration(url, source),
    'migration:trust-certificate': ({ url, fingerprint256 }) => core.migrations.trustSourceCertificate(url, fingerprint256),
    'migration:pause': ({ url }) => core.pauseMigration(url),
    'migration:resume': ({ url }) => core.resumeMigration(url),
    'migration:retire': ({ url }) => core.retireMigration(url),
  };
}
