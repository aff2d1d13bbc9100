// The window's first listing against the pushes that overtook it.
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../src/ipc/contract.js';
import { mergeListing } from '../../renderer/src/account-listing.js';

const view = (url: string, consecutiveFailures: number): AccountView => ({ url, consecutiveFailures } as unknown as AccountView);

describe('merging the first account listing with pushes', () => {
  it('a view pushed while the listing was on its way wins over the listing\'s older one', () => {
    expect(mergeListing([view('a', 0), view('b', 0)], [view('a', 1)], new Set())).toEqual([view('a', 1), view('b', 0)]);
  });
  it('an account pushed (added) after the listing was computed is kept', () => {
    expect(mergeListing([], [view('new', 1)], new Set())).toEqual([view('new', 1)]);
  });
  it('an account removed meanwhile stays removed', () => {
    expect(mergeListing([view('a', 0), view('gone', 0)], [], new Set(['gone']))).toEqual([view('a', 0)]);
  });
  it('nothing pushed: the listing as it is', () => {
    expect(mergeListing([view('a', 2)], [], new Set())).toEqual([view('a', 2)]);
  });
});
