// Where a saved password may be sent: main decides, never the page. An account's saved password
// goes only to the server it was saved for (same host, port and transport security), or to the old
// server the organisation's policy names for that account's domain (the one-click migration of
// CN103490983A logs in there with the same credentials). Anything else needs the password typed now.
import type { AccountEndpoint } from '../account/account-url.js';

function sameServer(a: AccountEndpoint, b: AccountEndpoint): boolean {
  return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port && a.security === b.security;
}

export function mayReceiveSavedPassword(destination: AccountEndpoint, savedFor: AccountEndpoint, policySource: AccountEndpoint | undefined): boolean {
  if (sameServer(destination, savedFor) && destination.protocol === savedFor.protocol) return true;
  return policySource !== undefined && sameServer(destination, policySource) && destination.protocol === policySource.protocol;
}

export const SAVED_PASSWORD_REFUSED = 'type the old mailbox\'s password: Mailbeacon sends an account\'s saved password only to '
  + 'that account\'s own server or to the old server your organisation\'s policy names';
