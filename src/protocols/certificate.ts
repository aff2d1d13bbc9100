// What the certificate dialog shows, and the two halves of "Trust this certificate": a probe that
// fetches the certificate a server presents (without verifying it, and without ever sending
// credentials), and the check that a pinned host:port still presents exactly that certificate.
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { AccountEndpoint } from '../account/account-url.js';
import { CheckFailure } from './check-failure.js';

export interface CertificateInfo {
  host: string;
  port: number;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex, as Node and browsers print it. */
  fingerprint256: string;
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`).join(', ');
}

export function describeCertificate(peer: PeerCertificate, host: string, port: number): CertificateInfo {
  return {
    host, port,
    subject: distinguishedName(peer.subject),
    issuer: distinguishedName(peer.issuer),
    validFrom: new Date(peer.valid_from).toISOString(),
    validTo: new Date(peer.valid_to).toISOString(),
    fingerprint256: peer.fingerprint256,
  };
}

/** After the handshake of a connection to a pinned host:port, before anything is sent over it. */
export function verifyPinnedCertificate(socket: TLSSocket, pin: string, host: string, port: number): void {
  const peer = socket.getPeerCertificate();
  if (!peer || peer.fingerprint256 !== pin) {
    const certificate = peer?.fingerprint256 ? describeCertificate(peer, host, port) : undefined;
    throw new CheckFailure('tls', 'the server presented a different certificate from the one you trusted', certificate ? { certificate } : {});
  }
}

/** Reads what the server presents, for the user to judge. Sends no credentials. */
export async function probeCertificate(endpoint: AccountEndpoint, timeoutMs = 10_000): Promise<CertificateInfo | undefined> {
  if (endpoint.security === 'plaintext') return undefined;
  const raw = netConnect({ host: endpoint.host, port: endpoint.port });
  const timer = setTimeout(() => raw.destroy(), timeoutMs);
  timer.unref();
  try {
    await new Promise<void>((resolve, reject) => { raw.once('connect', resolve); raw.once('error', reject); });
    if (endpoint.security === 'starttls') await plaintextUpgrade(raw, endpoint.protocol);
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false, servername: /^[\d.:]+$/.test(endpoint.host) ? undefined : endpoint.host });
    await new Promise<void>((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    const peer = secure.getPeerCertificate();
    secure.destroy();
    return peer?.fingerprint256 ? describeCertificate(peer, endpoint.host, endpoint.port) : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    raw.destroy();
  }
}

/** Greeting, then STLS / STARTTLS, answered OK: the socket is ready for the handshake. */
async function plaintextUpgrade(socket: import('node:net').Socket, protocol: 'imap' | 'pop3'): Promise<void> {
  let buffer = '';
  const nextLine = (): Promise<string> => new Promise((resolve, reject) => {
    const take = (): boolean => {
      const end = buffer.indexOf('\n');
      if (end === -1) return false;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(line);
      return true;
    };
    const onData = (data: Buffer): void => { buffer += data.toString('latin1'); take(); };
    const onClose = (): void => reject(new Error('closed'));
    if (take()) return;
    socket.on('data', onData);
    socket.once('close', onClose);
  });
  await nextLine(); // greeting
  if (protocol === 'pop3') {
    socket.write('STLS\r\n');
    if (!(await nextLine()).startsWith('+OK')) throw new Error('STLS refused');
    return;
  }
  socket.write('P1 STARTTLS\r\n');
  for (let i = 0; i < 20; i += 1) {
    const line = await nextLine();
    if (line.startsWith('P1 ')) {
      if (!line.startsWith('P1 OK')) throw new Error('STARTTLS refused');
      return;
    }
  }
  throw new Error('no answer to STARTTLS');
}
