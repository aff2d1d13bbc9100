import type { AccountView } from '../../src/ipc/contract.js';

/**
 * The window's first account listing, merged with what was pushed while it was on its way: the
 * listing was computed when asked, so a view pushed since is newer (a check that just failed must
 * not be painted over by the listing's older "0 failures"), an account added since is kept, and one
 * removed since stays removed.
 */
export function mergeListing(listed: AccountView[], pushed: AccountView[], removed: ReadonlySet<string>): AccountView[] {
  const newer = new Map(pushed.map((account) => [account.url, account]));
  const merged = listed.filter((account) => !removed.has(account.url)).map((account) => newer.get(account.url) ?? account);
  const known = new Set(merged.map((account) => account.url));
  return [...merged, ...pushed.filter((account) => !known.has(account.url))];
}
