// `mailbeacon discover ADDRESS`: where this address's mail is served, and how we know. Also the
// first step of `accounts add ADDRESS`, which then needs the user's yes for an untrusted answer.
import { formatAccountUrl } from '../../account/account-url.js';
import { discover, type DiscoveryOutcome } from '../../discovery/discover.js';
import { AddressError } from '../../discovery/discovery-context.js';
import type { Discovery, DiscoverySource, IncomingServer } from '../../discovery/discovery-types.js';
import { DnsServersError, nameResolver, parseDnsServers, type NameResolver } from '../../protocols/net/name-resolver.js';
import { readCaFile, type Environment } from '../account-context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

export interface DiscoveryInputs { caFile?: string | undefined; ispdbUrl?: string | undefined }

export interface DiscoveryDeps { resolver: NameResolver; ca: string | undefined; ispdbUrl: string | undefined }

/** The environment's resolver (MAILBEACON_DNS_SERVERS), CA (--ca) and ISPDB (MAILBEACON_ISPDB_URL, then settings). */
export function discoveryDeps(inputs: DiscoveryInputs, environment: Environment): DiscoveryDeps {
  let servers: string[] | undefined;
  try {
    servers = environment.env.MAILBEACON_DNS_SERVERS ? parseDnsServers(environment.env.MAILBEACON_DNS_SERVERS) : undefined;
  } catch (error) {
    if (error instanceof DnsServersError) throw new UsageError(error.message);
    throw error;
  }
  const ispdbUrl = environment.env.MAILBEACON_ISPDB_URL || inputs.ispdbUrl;
  if (ispdbUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(ispdbUrl)) throw new UsageError(`the ISPDB URL must be an http(s) URL, not "${ispdbUrl.slice(0, 100)}"`);
  return { resolver: nameResolver({ servers }), ca: inputs.caFile ? readCaFile(inputs.caFile) : undefined, ispdbUrl };
}

/** Runs discovery with the environment's resolver, CA and ISPDB. */
export async function discoverFor(address: string, deps: DiscoveryDeps): Promise<DiscoveryOutcome> {
  try {
    return await discover(address, deps);
  } catch (error) {
    if (error instanceof AddressError) throw new UsageError(error.message);
    throw error;
  }
}

const SOURCE_WORDS: Record<DiscoverySource, string> = {
  builtin: 'Mailbeacon\'s own provider list',
  autoconfig: 'the domain\'s autoconfig',
  ispdb: 'the central ISPDB',
  srv: 'DNS SRV records',
  mx: 'the domain\'s MX host',
  guess: 'a guess, probed without a password',
};

const AUTH_WORDS: Record<IncomingServer['auth'], string> = {
  password: 'password', 'app-password': 'app password', 'authorization-code': 'authorization code (授权码)', oauth2: 'OAuth2 sign-in',
};

export function serverUrl(server: IncomingServer): string {
  return formatAccountUrl(server);
}

export function chineseWanted(environment: Environment): boolean {
  const language = environment.env.LC_ALL || environment.env.LC_MESSAGES || environment.env.LANG || '';
  return language.toLowerCase().startsWith('zh');
}

export function describeDiscovery(discovery: Discovery, environment: Environment): string[] {
  const lines = [`${discovery.address}: found in ${SOURCE_WORDS[discovery.source]}${discovery.provider ? ` — ${discovery.provider}` : ''} (${discovery.from})`];
  for (const server of discovery.incoming) lines.push(`  ${serverUrl(server)}  (${AUTH_WORDS[server.auth]})`);
  if (!discovery.trusted) lines.push('  not verified: found over DNS, plain HTTP or by guessing, which anyone on the network path could forge; confirm the server before a password goes to it');
  if (discovery.hint) lines.push(`hint: ${chineseWanted(environment) ? discovery.hint['zh-CN'] : discovery.hint.en}`);
  return lines;
}

export function discoveryEvent(outcome: DiscoveryOutcome): Record<string, unknown> {
  if (!outcome.found) return { event: 'not-discovered', address: outcome.address, bestGuess: serverUrl(outcome.bestGuess) };
  const { discovery } = outcome;
  return {
    event: 'discovered', address: discovery.address, source: discovery.source, trusted: discovery.trusted,
    incoming: discovery.incoming.map((server) => ({ url: serverUrl(server), auth: server.auth })),
    hint: discovery.hint, provider: discovery.provider, from: discovery.from, oauth2: discovery.oauth2,
  };
}

export function notDiscoveredText(outcome: Extract<DiscoveryOutcome, { found: false }>): string {
  return `mailbeacon: no server settings found for ${outcome.address} (built-in list, autoconfig, ISPDB, DNS SRV, MX, guessed names); `
    + `give the server as a URL, e.g. mailbeacon accounts add ${serverUrl(outcome.bestGuess)}`;
}

export async function discoverCommand(
  args: { address: string; caFile?: string | undefined; json: boolean; ispdbUrl?: string | undefined },
  environment: Environment,
  write: (line: string) => void,
): Promise<number> {
  const outcome = await discoverFor(args.address, discoveryDeps(args, environment));
  if (args.json) write(JSON.stringify(discoveryEvent(outcome)));
  if (!outcome.found) {
    if (!args.json) environment.writeError(notDiscoveredText(outcome));
    return EXIT.notDiscovered;
  }
  if (!args.json) for (const line of describeDiscovery(outcome.discovery, environment)) write(line);
  return EXIT.ok;
}
