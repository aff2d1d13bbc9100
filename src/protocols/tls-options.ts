import { createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import { isIP } from 'node:net';

const MIN_TLS_VERSION = 'TLSv1.2';

/**
 * Secure contexts with an extra CA, one per distinct CA. Each holds what Node trusts by default
 * (the public roots, and NODE_EXTRA_CA_CERTS where an administrator set it) plus the account's CA.
 * Built per connection, one made each account's IDLE connection cost a megabyte (P4). Few distinct
 * CAs exist, so the cache stays tiny; it is capped anyway.
 */
const contextsByCa = new Map<string, SecureContext>();
const MAX_CACHED_CONTEXTS = 16;

function contextWithExtraCa(extraCa: string): SecureContext {
  let context = contextsByCa.get(extraCa);
  if (!context) {
    // The default context with the CA added to its store (SecureContext's native addCACert, which
    // Node's own `ca` option calls per certificate), rather than `ca: [...rootCertificates, extra]`:
    // that parsed all ~150 public roots again from PEM, ~10 ms of a catch-up's start, and left out
    // NODE_EXTRA_CA_CERTS.
    context = createSecureContext({ minVersion: MIN_TLS_VERSION });
    (context.context as { addCACert(pem: string): void }).addCACert(extraCa);
    if (contextsByCa.size >= MAX_CACHED_CONTEXTS) contextsByCa.delete(contextsByCa.keys().next().value!);
    contextsByCa.set(extraCa, context);
  }
  return context;
}

/**
 * TLS verification is always on. An extra CA (for a self-signed or private server) is added to the
 * public roots, not put in their place, so one account's CA never weakens another's checks.
 */
export function tlsOptions(host: string, extraCa?: string, pinnedFingerprint?: string): ConnectionOptions {
  return {
    host,
    // SNI must not carry an IP address (RFC 6066); certificate checks still use `host`.
    ...(isIP(host) ? {} : { servername: host }),
    // A certificate the user pinned is checked by its exact fingerprint right after the handshake
    // and before a byte is sent (verifyPinnedCertificate), instead of by the chain.
    rejectUnauthorized: pinnedFingerprint === undefined,
    minVersion: MIN_TLS_VERSION,
    ...(extraCa ? { secureContext: contextWithExtraCa(extraCa) } : {}),
  };
}
