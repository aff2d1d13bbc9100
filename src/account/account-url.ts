// The one way an account is written down: `imaps://user@host:port` and friends. The URL is also the
// account's identity in settings, the keychain and CLI output, so it is normalised here once.
/** An account URL that cannot be used; the message says why in the user's words. */
export class AccountUrlError extends Error {
  override readonly name = 'AccountUrlError';
}

export type Protocol = 'imap' | 'pop3';
/** `tls` = implicit TLS, `starttls` = STARTTLS/STLS required, `plaintext` = explicit opt-in only. */
export type Security = 'tls' | 'starttls' | 'plaintext';

export interface AccountEndpoint {
  protocol: Protocol;
  security: Security;
  host: string;
  port: number;
  user: string;
}

const SCHEMES: Record<string, { protocol: Protocol; security: Security; port: number }> = {
  'imaps:': { protocol: 'imap', security: 'tls', port: 993 },
  'imap:': { protocol: 'imap', security: 'starttls', port: 143 },
  'pop3s:': { protocol: 'pop3', security: 'tls', port: 995 },
  'pop3:': { protocol: 'pop3', security: 'starttls', port: 110 },
};

export function parseAccountUrl(text: string): AccountEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AccountUrlError(`not an account URL: "${text}" (expected e.g. imaps://user@host:993)`);
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) {
    throw new AccountUrlError(`unknown scheme "${url.protocol}" (use imaps://, imap://, pop3s:// or pop3://)`);
  }
  if (url.password) {
    // Never echo the URL back: it holds a password.
    throw new AccountUrlError('the account URL must not contain a password: give the password separately');
  }
  if (!url.username) throw new AccountUrlError(`the account URL has no user name: ${url.protocol}//user@${url.host}`);
  if (!url.hostname) throw new AccountUrlError('the account URL has no host');
  const plaintextOptIn = url.searchParams.get('plaintext');
  if (plaintextOptIn !== null && plaintextOptIn !== '1') {
    throw new AccountUrlError('?plaintext accepts only 1');
  }
  for (const key of url.searchParams.keys()) {
    if (key !== 'plaintext') throw new AccountUrlError(`unknown URL option "${key}"`);
  }
  if (plaintextOptIn === '1' && scheme.security === 'tls') {
    throw new AccountUrlError(`?plaintext=1 contradicts ${url.protocol}// (implicit TLS); use ${scheme.protocol}:// instead`);
  }
  let user: string;
  try {
    user = decodeURIComponent(url.username);
  } catch {
    throw new AccountUrlError('the user name in the account URL is not valid percent-encoding');
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    protocol: scheme.protocol,
    security: plaintextOptIn === '1' ? 'plaintext' : scheme.security,
    host,
    port: url.port ? Number(url.port) : scheme.port,
    user,
  };
}

/** The canonical form: explicit port, `%40` for `@` in the user name, `?plaintext=1` when opted in. */
export function formatAccountUrl(endpoint: AccountEndpoint): string {
  const scheme = endpoint.protocol + (endpoint.security === 'tls' ? 's' : '');
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const query = endpoint.security === 'plaintext' ? '?plaintext=1' : '';
  return `${scheme}://${encodeURIComponent(endpoint.user)}@${host}:${endpoint.port}${query}`;
}
