// The native-app sign-in of RFC 8252: the system browser opens the provider's page; the answer
// comes back to a one-shot listener on 127.0.0.1 with a port of the system's choosing; PKCE (S256)
// and `state` bind the answer to this request; the code is exchanged for tokens.
import * as client from 'openid-client';
import { CheckFailure } from '../protocols/check-failure.js';
import { listenForRedirect } from '../protocols/net/loopback-redirect.js';
import { classifyTokenError } from './token-errors.js';
import { openidConfiguration, type OAuthNetwork } from './openid-configuration.js';
import type { OAuthServer } from './oauth-server.js';

export interface Grant { refreshToken: string; accessToken: string; expiresAt: number }

export interface SignInOptions {
  server: OAuthServer;
  network: OAuthNetwork;
  /** Shows the page to the user: the system browser (the app), or a printed URL (the CLI). */
  openUrl: (url: string) => Promise<void>;
  /** The address, so the provider's page can preselect the account. */
  loginHint?: string | undefined;
  /** How long the user has to finish signing in. */
  deadlineMs?: number;
  now: () => number;
}

const DONE_PAGE = (ok: boolean) => `<!doctype html><meta charset="utf-8"><title>Mailbeacon</title>
<p>${ok ? 'Signed in. You can close this window and return to Mailbeacon.' : 'The sign-in did not complete. Return to Mailbeacon and try again.'}</p>
<p lang="zh-CN">${ok ? '已登录。您可以关闭此窗口并返回 Mailbeacon。' : '登录未完成。请返回 Mailbeacon 重试。'}</p>`;

export async function signIn(options: SignInOptions): Promise<Grant> {
  const config = openidConfiguration(options.server, options.network);
  const redirect = await listenForRedirect({ path: '/callback', deadlineMs: options.deadlineMs ?? 5 * 60_000 });
  try {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirect.redirectUri, scope: options.server.scope, response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state,
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    });
    await options.openUrl(url.href);
    const back = await redirect.received;
    const refused = back.searchParams.get('error');
    if (refused) {
      redirect.respond(DONE_PAGE(false));
      throw new CheckFailure('rejected', `the sign-in was refused: ${refused.slice(0, 100)}`);
    }
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
    } catch (error) {
      redirect.respond(DONE_PAGE(false));
      throw classifyTokenError(error, options.server.issuer);
    }
    redirect.respond(DONE_PAGE(true));
    if (!tokens.refresh_token) throw new CheckFailure('protocol', `${options.server.issuer} gave no refresh token (offline access)`);
    return { refreshToken: tokens.refresh_token, accessToken: tokens.access_token, expiresAt: options.now() + (tokens.expiresIn() ?? 3600) * 1000 };
  } finally {
    redirect.close();
  }
}
