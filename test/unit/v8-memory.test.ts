// The launcher's V8 settings take effect when set at run time: under the same allocation burst the
// young generation stays at its initial size with keepYoungGenerationSmall(), and grows without it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MODULE = new URL(`${import.meta.url.includes('/dist/test/') ? '../../' : '../../dist/'}src/runtime/v8-memory.js`, import.meta.url).href;

/** New-space size (bytes) after a burst of short-lived allocations with a few survivors. */
function newSpaceAfterBurst(keepSmall: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { keepYoungGenerationSmall } from ${JSON.stringify(MODULE)};
    if (${keepSmall}) keepYoungGenerationSmall();
    const kept = [];
    for (let round = 0; round < 100; round += 1) {
      for (let i = 0; i < 20000; i += 1) { const o = { text: 'x'.repeat(40) + i, list: [i, i + 1] }; if (i % 500 === 0) kept.push(o); }
    }
    process.stdout.write(String(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('V8 memory settings', () => {
  it('keep the young generation at its initial size under an allocation burst that grows it otherwise', () => {
    const grown = newSpaceAfterBurst(false);
    const kept = newSpaceAfterBurst(true);
    expect(kept).toBeLessThanOrEqual(2 * 2 ** 20);
    expect(grown).toBeGreaterThan(kept);
  });

  it('collectGarbage frees a dropped large Buffer at once, in a process started without --expose-gc', () => {
    const script = `
      import { collectGarbage } from ${JSON.stringify(MODULE)};
      let big = Buffer.alloc(64 * 1024 * 1024, 1);
      const gone = new WeakRef(big);
      big = undefined;
      await new Promise((resolve) => setImmediate(resolve)); // nothing else of this turn holds it
      collectGarbage();
      process.stdout.write(JSON.stringify({ freed: gone.deref() === undefined, globalGc: typeof globalThis.gc }));`;
    expect(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }))).toEqual({ freed: true, globalGc: 'undefined' });
  });
});
