// `accounts add ADDRESS`: discovery, then the user's yes for an answer nobody vouches for (DNS,
// plain HTTP, a guess), then a probe of the chosen server (TLS verified, greeting) — all before
// the password is asked for or sent anywhere.
import { probeServer } from '../../protocols/net/server-probe.js';
import type { OAuthEndpoints } from '../../oauth/oauth-server.js';
import type { Environment } from '../account-context.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';
import { chineseWanted, describeDiscovery, discoverFor, discoveryDeps, notDiscoveredText, serverUrl } from './discover.js';

const PROBE_DEADLINE_MS = 10_000;

export interface ChosenServer { url: string; address: string; oauth2: OAuthEndpoints | null }

/** The chosen account URL (and, with `oauth`, where to sign in), or the exit code to end with. */
export async function chooseDiscoveredServer(
  args: { address: string; caFile?: string | undefined; yes: boolean; json: boolean; ispdbUrl?: string | undefined; oauth?: boolean },
  environment: Environment,
  confirm: (question: string) => Promise<boolean>,
): Promise<ChosenServer | number> {
  const deps = discoveryDeps(args, environment);
  const outcome = await discoverFor(args.address, deps);
  if (!outcome.found) {
    environment.writeError(notDiscoveredText(outcome));
    return EXIT.notDiscovered;
  }
  const { discovery } = outcome;
  if (args.oauth && !discovery.oauth2) {
    throw new UsageError(`no OAuth2 sign-in is known for ${discovery.address} (${discovery.from}); add it with a password instead`);
  }
  const server = args.oauth
    ? discovery.incoming.find((candidate) => candidate.auth === 'oauth2') ?? discovery.incoming[0]
    : discovery.incoming.find((candidate) => candidate.auth !== 'oauth2');
  if (!server) {
    throw new UsageError(`${discovery.provider ?? discovery.address} accepts only an OAuth2 sign-in: add it with --oauth`);
  }
  const url = serverUrl(server);
  if (!args.json) for (const line of describeDiscovery(discovery, environment)) environment.writeError(line);
  if (!discovery.trusted && !args.yes) {
    const question = chineseWanted(environment)
      ? `使用 ${url}？它未经验证（${discovery.from}）。[y/N] `
      : `Use ${url}? It is not verified (${discovery.from}). [y/N] `;
    if (!process.stdin.isTTY || !(await confirm(question))) {
      environment.writeError(`mailbeacon: ${url} was not confirmed, nothing saved: check that this is your provider's server, then run again with --yes, or give the account URL yourself`);
      return EXIT.usage;
    }
  }
  const probe = await probeServer(server, { lookup: deps.resolver.lookup, ca: deps.ca, deadlineMs: PROBE_DEADLINE_MS });
  if (!probe.ok) {
    const hint = probe.failure.reason === 'tls' ? ` (trust it with "mailbeacon trust ${url}", or give its CA with --ca)` : '';
    environment.writeError(`mailbeacon: ${url}: not saved: the server did not answer as a mail server should: ${probe.failure.message}${hint}`);
    return exitCodeFor(probe.failure.reason);
  }
  return { url, address: discovery.address, oauth2: discovery.oauth2 };
}
