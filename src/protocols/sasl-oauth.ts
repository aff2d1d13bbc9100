// The two SASL mechanisms that carry an OAuth2 access token: OAUTHBEARER (RFC 7628), preferred, and
// XOAUTH2 (Google's and Microsoft's). Both send the token once; a refusal comes back as a challenge
// (a base64 JSON error) that the client must answer — OAUTHBEARER with a single ^A (RFC 7628
// §3.2.3), XOAUTH2 with an empty response — before the server's final NO / -ERR.
export type OAuthMechanism = 'OAUTHBEARER' | 'XOAUTH2';

/** The mechanism to use among those the server offers (upper-case names), if any. */
export function pickOAuthMechanism(offered: Iterable<string>): OAuthMechanism | undefined {
  const names = new Set([...offered].map((name) => name.toUpperCase()));
  return names.has('OAUTHBEARER') ? 'OAUTHBEARER' : names.has('XOAUTH2') ? 'XOAUTH2' : undefined;
}

/** RFC 5801 saslname: "," and "=" in an authorization identity are escaped. */
function saslName(user: string): string {
  return user.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

/** The initial client response, base64. */
export function oauthInitialResponse(mechanism: OAuthMechanism, user: string, accessToken: string): string {
  const text = mechanism === 'OAUTHBEARER'
    ? `n,a=${saslName(user)},\x01auth=Bearer ${accessToken}\x01\x01`
    : `user=${user}\x01auth=Bearer ${accessToken}\x01\x01`;
  return Buffer.from(text, 'utf8').toString('base64');
}

/** What ends the exchange after the server's error challenge (base64; '' is an empty response). */
export function oauthErrorAcknowledgement(mechanism: OAuthMechanism): string {
  return mechanism === 'OAUTHBEARER' ? 'AQ==' : '';
}
