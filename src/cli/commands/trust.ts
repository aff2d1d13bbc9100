// `mailbeacon trust URL`: shows the certificate the server presents (subject, issuer, validity,
// SHA-256) and pins it for that host:port after the user confirms, or non-interactively when the
// fingerprint the user expects is given (--fingerprint sha256:HEX). The pin is the same the
// desktop app keeps: `check`, `watch` and the window all honour it, and a different certificate
// later is refused by all of them. Nothing is sent to the server but a TLS handshake (and the
// STARTTLS / STLS that precedes it): no credentials.
import { formatAccountUrl, parseAccountUrl } from '../../account/account-url.js';
import { probeCertificate } from '../../protocols/certificate.js';
import { openStore, type Environment } from '../account-context.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

export interface TrustArgs { url: string; fingerprint?: string | undefined; stateDir?: string | undefined; json: boolean }

/** `sha256:AB:CD…`, `AB:CD…` or `abcd…` (64 hex digits) → Node's form, `AB:CD:…`. */
export function normaliseFingerprint(text: string): string {
  const hex = text.replace(/^sha256:/i, '').replace(/:/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError('--fingerprint takes sha256: and 64 hex digits (colons allowed), as "mailbeacon trust URL" prints it');
  return hex.toUpperCase().match(/../g)!.join(':');
}

export async function trustCommand(
  args: TrustArgs, environment: Environment, write: (line: string) => void,
  confirm: (question: string) => Promise<boolean>,
): Promise<number> {
  const endpoint = parseAccountUrl(args.url);
  if (endpoint.security === 'plaintext') throw new UsageError('a plaintext connection has no certificate to trust');
  const expected = args.fingerprint ? normaliseFingerprint(args.fingerprint) : undefined;
  const store = openStore(args.stateDir);
  const certificate = await probeCertificate(endpoint);
  if (!certificate) {
    environment.writeError(`mailbeacon: ${formatAccountUrl(endpoint)}: could not read a certificate from the server (no answer, or no TLS)`);
    return EXIT.network;
  }
  const shown = [
    `Certificate of ${certificate.host}:${certificate.port}`,
    `  subject:  ${certificate.subject}`,
    `  issuer:   ${certificate.issuer}`,
    `  valid:    ${certificate.validFrom} to ${certificate.validTo}`,
    `  SHA-256:  ${certificate.fingerprint256}`,
  ];
  if (args.json) write(JSON.stringify({ event: 'certificate', ...certificate }));
  else for (const line of shown) write(line);
  if (expected !== undefined && expected !== certificate.fingerprint256) {
    environment.writeError(`mailbeacon: the server presents a different certificate from the fingerprint given; nothing was trusted`);
    return EXIT.tls;
  }
  if (expected === undefined && !(await confirm(`Trust this certificate for ${certificate.host}:${certificate.port}? [y/N] `))) {
    environment.writeError('mailbeacon: not trusted (give --fingerprint sha256:HEX to trust without a question)');
    return EXIT.tls;
  }
  store.trustFingerprint(`${certificate.host}:${certificate.port}`, certificate.fingerprint256);
  if (args.json) write(JSON.stringify({ event: 'trusted', host: certificate.host, port: certificate.port, fingerprint256: certificate.fingerprint256 }));
  else write(`trusted for ${certificate.host}:${certificate.port}: check, watch and the app will accept this certificate there, and refuse any other`);
  return EXIT.ok;
}
