// What every discovery source needs: the address split once, the one resolver, the extra CA, the
// central ISPDB's base URL and the deadline each network step gets.
import type { Timers } from '../protocols/deadline.js';
import type { NameResolver } from '../protocols/net/name-resolver.js';
import { isHostName } from './autoconfig-xml.js';

/** Thunderbird's central ISPDB; settings (`ispdbUrl`) or MAILBEACON_ISPDB_URL replace it. */
export const DEFAULT_ISPDB_URL = 'https://autoconfig.thunderbird.net/v1.1/';
/** Autoconfig documents are a few kB; a policy file is smaller still. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;

export interface DiscoveryContext {
  address: string;
  domain: string;
  resolver: NameResolver;
  ca: string | undefined;
  ispdbUrl: string;
  /** Each network step (one fetch, one lookup, one probe) ends within this. */
  stepMs: number;
  timers: Timers;
}

export class AddressError extends Error {
  override readonly name = 'AddressError';
}

/** `local@domain`, the domain a valid host name (lower-cased); the message says what is wrong. */
export function parseAddress(text: string): { address: string; domain: string } {
  const address = text.trim();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw new AddressError(`"${address.slice(0, 100)}" is not an email address (expected name@domain)`);
  if (address.length > 320 || /[\s\0]/.test(address)) throw new AddressError('an email address has no spaces and at most 320 characters');
  const domain = address.slice(at + 1).toLowerCase().replace(/\.$/, '');
  if (!isHostName(domain) || !domain.includes('.')) throw new AddressError(`"${domain.slice(0, 100)}" is not a mail domain`);
  return { address: `${address.slice(0, at)}@${domain}`, domain };
}
