// A real OAuth2 authorization server for the tests: oidc-provider (a certified implementation) on
// loopback over HTTPS with a certificate from the test CA. One public native client for Mailbeacon
// (PKCE, loopback redirect on any port), one confidential client for Dovecot's token introspection
// (served on a plain-HTTP loopback port too, which Dovecot's oauth2 passdb reaches). Opaque access
// tokens with a short lifetime, refresh tokens rotated on use, revocation; its dev login and consent
// forms stand in for a provider's pages. Every token request is counted.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import Provider from 'oidc-provider';

export const MAILBEACON_CLIENT_ID = 'mailbeacon-test';
const DOVECOT_CLIENT = { id: 'dovecot', secret: 'dovecot-introspection-secret' };

export class OidcTestProvider {
  issuer = '';
  /** Where Dovecot asks whether a token is active (client credentials in the URL, plain HTTP on loopback). */
  introspectionUrl = '';
  /** POSTs to the token endpoint, by grant type. */
  readonly tokenRequests: string[] = [];
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly tls: { key: string; cert: string }, private readonly options: { accessTokenSeconds?: number } = {}) {}

  async start(): Promise<this> {
    const https = createHttpsServer({ key: this.tls.key, cert: this.tls.cert });
    const http = createHttpServer();
    for (const server of [https, http]) {
      server.on('connection', (socket: Socket) => { this.sockets.add(socket); socket.on('close', () => this.sockets.delete(socket)); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
    }
    this.issuer = `https://localhost:${(https.address() as AddressInfo).port}`;
    this.introspectionUrl = `http://${DOVECOT_CLIENT.id}:${DOVECOT_CLIENT.secret}@127.0.0.1:${(http.address() as AddressInfo).port}/token/introspection`;
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: MAILBEACON_CLIENT_ID, application_type: 'native', token_endpoint_auth_method: 'none',
          redirect_uris: ['http://127.0.0.1/callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
        },
        { client_id: DOVECOT_CLIENT.id, client_secret: DOVECOT_CLIENT.secret, redirect_uris: [], grant_types: [], response_types: [] },
      ],
      features: { devInteractions: { enabled: true }, introspection: { enabled: true }, revocation: { enabled: true } },
      scopes: ['openid', 'offline_access', 'mail'],
      ttl: { AccessToken: this.options.accessTokenSeconds ?? 3600, RefreshToken: 24 * 3600, Grant: 24 * 3600, Session: 3600, Interaction: 600, AuthorizationCode: 60 },
      issueRefreshToken: async () => true,
      rotateRefreshToken: true,
      findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
      cookies: { keys: ['mailbeacon-test-cookies'] },
    });
    // Dovecot reaches introspection over plain HTTP on loopback; everything else is HTTPS.
    provider.on('server_error', (_ctx: unknown, error: Error) => process.stderr.write(`oidc-provider: ${error.stack ?? error.message}\n`));
    const app = provider.callback();
    const counted = (request: IncomingMessage, response: ServerResponse): void => {
      if (request.method === 'POST' && request.url === '/token') {
        let body = '';
        request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        request.on('end', () => { this.tokenRequests.push(new URLSearchParams(body).get('grant_type') ?? '?'); });
        // oidc-provider reads the body itself; a second listener only observes it.
      }
      app(request, response);
    };
    https.on('request', counted);
    http.on('request', (request: IncomingMessage, response: ServerResponse) => {
      // Koa decides "secure" by the socket: tell it this loopback hop stands in for HTTPS.
      if (request.url?.startsWith('/token/introspection')) { app(request, response); return; }
      response.writeHead(404).end();
    });
    provider.proxy = false;
    return this;
  }

  /** Revokes a token (a refresh token revokes its whole grant), as a user removing the app's access would. */
  async revoke(token: string, ca: string): Promise<void> {
    const { request } = await import('node:https');
    await new Promise<void>((resolve, reject) => {
      const body = new URLSearchParams({ token, client_id: MAILBEACON_CLIENT_ID }).toString();
      const req = request(`${this.issuer}/token/revocation`, {
        method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      }, (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`revocation answered ${response.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
