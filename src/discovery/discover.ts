// From an address to its incoming servers, the way Thunderbird does it: built-in knowledge first
// (no network at all); then the domain's autoconfig, the central ISPDB, DNS SRV and the MX host's
// provider at once, the first in that order with an answer winning; then guessed host names,
// probed. One budget bounds it all; every fetch, lookup and probe has a deadline of its own.
import { realTimers, type Timers } from '../protocols/deadline.js';
import type { NameResolver } from '../protocols/net/name-resolver.js';
import { domainAutoconfig } from './autoconfig-source.js';
import { builtinDiscovery } from './builtin-source.js';
import { DEFAULT_ISPDB_URL, parseAddress, type DiscoveryContext } from './discovery-context.js';
import type { Discovery, IncomingServer } from './discovery-types.js';
import { guessDiscovery } from './guess-source.js';
import { ispdb } from './ispdb-source.js';
import { mxDiscovery } from './mx-source.js';
import { srvDiscovery } from './srv-source.js';

export interface DiscoverOptions {
  resolver: NameResolver;
  ca?: string | undefined;
  ispdbUrl?: string | undefined;
  /** The whole discovery ends within this (default 10 s). */
  budgetMs?: number;
  /** Each fetch, DNS query and probe (default 4 s). */
  stepMs?: number;
  timers?: Timers;
  now?: () => number;
}

export type DiscoveryOutcome =
  | { found: true; discovery: Discovery }
  /** Nothing answered: the manual form, prefilled with the most likely server. */
  | { found: false; address: string; bestGuess: IncomingServer };

export async function discover(addressText: string, options: DiscoverOptions): Promise<DiscoveryOutcome> {
  const { address, domain } = parseAddress(addressText);
  const builtin = builtinDiscovery(address, domain);
  if (builtin) return { found: true, discovery: builtin };
  const now = options.now ?? Date.now;
  const started = now();
  const budgetMs = options.budgetMs ?? 10_000;
  const context: DiscoveryContext = {
    address, domain, resolver: options.resolver, ca: options.ca, ispdbUrl: options.ispdbUrl ?? DEFAULT_ISPDB_URL,
    stepMs: Math.min(options.stepMs ?? 4_000, budgetMs), timers: options.timers ?? realTimers,
  };
  // Started together, awaited in precedence order: a later source's answer waits only for the
  // earlier ones, and each of those ends within its step deadline.
  const sources = [domainAutoconfig(context), ispdb(context), srvDiscovery(context), mxDiscovery(context)]
    .map((pending) => pending.catch(() => undefined));
  // The HTTPS answers outrank DNS; an answer over plain HTTP ranks below every DNS one.
  const [autoconfig, central, srv, mx] = sources;
  const ordered = [
    autoconfig!.then((found) => (found?.trusted ? found : undefined)), central!, srv!, mx!,
    autoconfig!.then((found) => (found && !found.trusted ? found : undefined)),
  ];
  for (const pending of ordered) {
    const found = await pending;
    if (found) return { found: true, discovery: found };
  }
  const left = budgetMs - (now() - started);
  if (left > 200) {
    const guessed = await guessDiscovery(context, Math.min(context.stepMs, left)).catch(() => undefined);
    if (guessed) return { found: true, discovery: guessed };
  }
  return { found: false, address, bestGuess: { protocol: 'imap', security: 'tls', host: `imap.${domain}`, port: 993, user: address, auth: 'password' } };
}
