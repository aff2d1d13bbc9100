import { describe, expect, it } from 'vitest';
import { uidsOfMailbox } from '../../src/protocols/imap/imap-session.js';

describe('which UIDs a "Mark as read" names', () => {
  it('only those of the mailbox\'s current UIDVALIDITY, each once, ascending; nothing malformed', () => {
    expect(uidsOfMailbox(['7:42', '7:3', '7:42', '8:1', '7:0', '7:4294967296', 'x:1', '7:1:2', ' 7:5', '7:9'], '7')).toEqual([3, 9, 42]);
    expect(uidsOfMailbox(['7:42'], '8')).toEqual([]);
    expect(uidsOfMailbox(['7:42'], undefined)).toEqual([]);
    expect(uidsOfMailbox([], '7')).toEqual([]);
  });
});
