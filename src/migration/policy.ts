// The organisation's migration policy (after CN103490983A): per mail domain, whether the
// whole-organisation migration is on and where the old POP (or IMAP) server is. Shipped as a JSON
// file: `policy.json` in the app's data dir, or the path given in settings.
//
// {
//   "version": 1,
//   "domains": {
//     "example.com": { "migration": "on", "source": "pop3s://pop.oldhost.example:995" }
//   }
// }
//
// `source` has no user name: each account logs in to it with its own user name and password.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseAccountUrl, type AccountEndpoint } from '../account/account-url.js';

const SourceUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return ['pop3s:', 'pop3:', 'imaps:', 'imap:'].includes(url.protocol) && !url.username && !url.password && url.hostname !== '';
  } catch {
    return false;
  }
}, 'a pop3s://, pop3://, imaps:// or imap:// URL with a host and no user name or password');

export const PolicySchema = z.object({
  version: z.literal(1),
  domains: z.record(z.string().min(1).transform((domain) => domain.toLowerCase()), z.object({
    migration: z.enum(['on', 'off']),
    source: SourceUrl,
  })),
});

export type Policy = z.output<typeof PolicySchema>;

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

export function parsePolicy(text: string, origin: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`${origin} is not valid JSON: ${(error as Error).message}`);
  }
  const result = PolicySchema.safeParse(json);
  if (!result.success) {
    throw new PolicyError(`${origin} does not follow the policy schema: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return result.data;
}

/** The policy at `path`, or undefined when there is none. A malformed file is an error, never ignored silently. */
export function loadPolicy(path: string): Policy | undefined {
  if (!existsSync(path)) return undefined;
  return parsePolicy(readFileSync(path, 'utf8'), path);
}

/** The mail domain of an account: the part after the last "@" of its user name. */
export function domainOf(user: string): string | undefined {
  const at = user.lastIndexOf('@');
  return at > 0 && at < user.length - 1 ? user.slice(at + 1).toLowerCase() : undefined;
}

/** The old server for this account under the policy, with the account's user name, if migration is on. */
export function policySourceFor(policy: Policy | undefined, user: string): AccountEndpoint | undefined {
  const domain = domainOf(user);
  return domain && policy?.domains[domain]?.migration === 'on' ? policyServerFor(policy, user) : undefined;
}

/** The old server the policy names for this account's domain, whether its migration is on or off
 * (a finished migration still re-syncs from it until the user retires the old mailbox). */
export function policyServerFor(policy: Policy | undefined, user: string): AccountEndpoint | undefined {
  const domain = domainOf(user);
  const rule = domain ? policy?.domains[domain] : undefined;
  if (!rule) return undefined;
  const url = new URL(rule.source);
  url.username = encodeURIComponent(user);
  return parseAccountUrl(url.href);
}
