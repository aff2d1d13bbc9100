// How a token refresh fails, against real sockets: a token endpoint nobody answers on is `network`
// (retried soon, never counted) and keeps the grant; one that stalls ends within its deadline as
// `timeout`; a plain-HTTP token endpoint is refused before anything is sent.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthTokens, refreshTokenKey } from '../../src/oauth/oauth-tokens.js';
import type { SecretStore } from '../../src/secrets/secret-store.js';

/** The keychain is not what is tested here: a map stands in for it. */
class MemorySecrets implements SecretStore {
  readonly entries = new Map<string, string>();
  async getPassword(key: string) { return this.entries.get(key); }
  async setPassword(key: string, value: string) { this.entries.set(key, value); }
  async deletePassword(key: string) { return this.entries.delete(key); }
}

const URL_ = 'imaps://a%40b.test@imap.b.test:993';
const server = (tokenEndpoint: string) => ({ issuer: 'https://issuer.test', authorizationEndpoint: 'https://issuer.test/auth', tokenEndpoint, scope: 'mail', clientId: 'c' });

describe('token refresh failures', () => {
  let stalling: Server;
  let stallPort = 0;
  const held = new Set<Socket>();
  beforeAll(async () => {
    // Accepts, never answers (not even the TLS handshake).
    stalling = createServer((socket) => { held.add(socket); socket.on('error', () => undefined); });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    stallPort = (stalling.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => {
    for (const socket of held) socket.destroy();
    stalling.close(() => resolve());
  }));

  const tokensFor = (tokenEndpoint: string, deadlineMs = 2_000) => {
    const secrets = new MemorySecrets();
    secrets.entries.set(refreshTokenKey(URL_), 'refresh-token-value');
    const tokens = new OAuthTokens({ accountUrl: URL_, server: server(tokenEndpoint), secrets, network: { deadlineMs }, now: Date.now, registerSecret: () => undefined });
    return { tokens, secrets };
  };

  it('nobody listening: network, and the grant stays', async () => {
    const { tokens, secrets } = tokensFor('https://127.0.0.1:1/token');
    await expect(tokens.accessToken()).rejects.toMatchObject({ reason: 'network' });
    expect(secrets.entries.get(refreshTokenKey(URL_))).toBe('refresh-token-value');
  });

  it('a stalled endpoint: timeout within the deadline, and the grant stays', async () => {
    const { tokens, secrets } = tokensFor(`https://127.0.0.1:${stallPort}/token`, 1_000);
    const started = Date.now();
    await expect(tokens.accessToken()).rejects.toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(secrets.entries.get(refreshTokenKey(URL_))).toBe('refresh-token-value');
  });

  it('no saved grant: credentials-missing, with nothing sent', async () => {
    const { tokens, secrets } = tokensFor('https://127.0.0.1:1/token');
    secrets.entries.clear();
    await expect(tokens.accessToken()).rejects.toMatchObject({ reason: 'credentials-missing' });
  });
});
