// The CLI's launcher tells an older Node what it needs in our words (bin/node-version.js, plain
// JavaScript any Node parses), and lets 22.12 and newer through.
import { describe, expect, it } from 'vitest';
import { nodeTooOld } from '../../bin/node-version.js';

describe('the Node the CLI needs', () => {
  it('refuses Node before 22.12 in words, accepts 22.12 and newer', () => {
    for (const old of ['20.20.2', '18.0.0', '22.11.9', '21.7.3']) {
      expect(nodeTooOld(old)).toBe(`mailbeacon: needs Node 22.12 or newer; this is Node ${old} (README, "Two commands", says how to get it)`);
    }
    for (const fine of ['22.12.0', '22.23.3', '23.0.0', '24.1.0']) expect(nodeTooOld(fine)).toBeUndefined();
  });
});
