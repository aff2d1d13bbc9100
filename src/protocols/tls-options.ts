import { rootCertificates, type ConnectionOptions } from 'node:tls';
import { isIP } from 'node:net';

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
    minVersion: 'TLSv1.2',
    ...(extraCa ? { ca: [...rootCertificates, extraCa] } : {}),
  };
}
