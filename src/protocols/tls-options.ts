import { createSecureContext, rootCertificates, type ConnectionOptions, type SecureContext } from 'node:tls';
import { isIP } from 'node:net';

const MIN_TLS_VERSION = 'TLSv1.2';

/**
 * Secure contexts with an extra CA, one per distinct CA. Building one parses every public root
 * (~150 certificates, about 1 MB and milliseconds of CPU): done per connection it made each
 * account's IDLE connection cost a megabyte (P4). Few distinct CAs exist, so the cache stays tiny;
 * it is capped anyway.
 */
const contextsByCa = new Map<string, SecureContext>();
const MAX_CACHED_CONTEXTS = 16;

function contextWithExtraCa(extraCa: string): SecureContext {
  let context = contextsByCa.get(extraCa);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, extraCa], minVersion: MIN_TLS_VERSION });
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
