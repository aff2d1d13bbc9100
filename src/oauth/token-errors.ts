// What a token endpoint's refusal means for the account: a dead grant (revoked, expired, password
// changed) needs the user to sign in again; trouble reaching the endpoint is `network`; anything
// else is what the server sent, said as such.
import * as client from 'openid-client';
import { CheckFailure, protocolFailure } from '../protocols/check-failure.js';

/** The grant is gone: only a new sign-in helps, and retrying it can only fail. */
export class GrantRevoked extends CheckFailure {
  constructor(issuer: string) {
    super('credentials-missing', `the sign-in at ${issuer} expired or was revoked: sign in again`);
  }
}

const DEAD_GRANT = new Set(['invalid_grant', 'unauthorized_client', 'invalid_client']);

export function classifyTokenError(error: unknown, issuer: string): CheckFailure {
  if (error instanceof CheckFailure) return error;
  if (error instanceof client.ResponseBodyError) {
    if (DEAD_GRANT.has(error.error)) return new GrantRevoked(issuer);
    if (error.status >= 500) return new CheckFailure('network', `${issuer} is unavailable (HTTP ${error.status}); will retry`);
    return protocolFailure(`${issuer} refused the token request: ${error.error}`);
  }
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof CheckFailure) return cause;
  return protocolFailure(`${issuer} answered the token request with something we cannot use: ${String((error as Error)?.message ?? error).slice(0, 160)}`);
}
