// Small, pure rules the forms share: the well-known port that follows the protocol and security
// until the user types their own; sizes come from the core's formatter.
type Protocol = 'imap' | 'pop3';
type Security = 'tls' | 'starttls' | 'plaintext';

export const DEFAULT_PORTS: Record<Protocol, Record<Security, number>> = {
  imap: { tls: 993, starttls: 143, plaintext: 143 },
  pop3: { tls: 995, starttls: 110, plaintext: 110 },
};

const isDefaultPort = (port: string): boolean => Object.values(DEFAULT_PORTS).some((ports) => Object.values(ports).map(String).includes(port.trim()));

/** Switching protocol or security moves a well-known port along; a port the user typed stays. */
export function withProtocol<T extends { protocol: Protocol; security: Security; port: string }>(draft: T, protocol: Protocol): T {
  return { ...draft, protocol, port: isDefaultPort(draft.port) ? String(DEFAULT_PORTS[protocol][draft.security]) : draft.port };
}

export function withSecurity<T extends { protocol: Protocol; security: Security; port: string }>(draft: T, security: Security): T {
  return { ...draft, security, port: isDefaultPort(draft.port) ? String(DEFAULT_PORTS[draft.protocol][security]) : draft.port };
}

export { byteSize } from '../../src/i18n/byte-size.js';
