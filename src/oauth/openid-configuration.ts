// openid-client configured for one OAuth2 server: static endpoints (Microsoft's `common` tenant has
// no single issuer to discover), a public native client (PKCE, no secret: RFC 8252 §8.5), and every
// request through our bounded HTTPS (deadline, ceiling, the configured CA and resolver).
import * as client from 'openid-client';
import { httpsRequestBounded } from '../protocols/net/bounded-request.js';
import type { LookupFunction } from '../protocols/net/name-resolver.js';
import type { OAuthServer } from './oauth-server.js';

export interface OAuthNetwork { lookup?: LookupFunction | undefined; ca?: string | undefined; deadlineMs?: number }

const MAX_TOKEN_ANSWER_BYTES = 256 * 1024;

export function openidConfiguration(server: OAuthServer, network: OAuthNetwork): client.Configuration {
  const config = new client.Configuration(
    { issuer: server.issuer, authorization_endpoint: server.authorizationEndpoint, token_endpoint: server.tokenEndpoint },
    server.clientId, undefined, client.None(),
  );
  config[client.customFetch] = async (url, options) => {
    const answer = await httpsRequestBounded(url, {
      method: options.method, headers: options.headers,
      body: options.body === undefined || options.body === null ? undefined : String(options.body),
    }, { lookup: network.lookup, ca: network.ca, deadlineMs: network.deadlineMs ?? 20_000, maxBytes: MAX_TOKEN_ANSWER_BYTES });
    const nullBody = answer.status === 204 || answer.status === 304;
    return new Response(nullBody ? null : new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
  };
  return config;
}
