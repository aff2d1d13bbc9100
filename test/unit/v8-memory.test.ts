// The launcher's V8 settings take effect when set at run time: under the same allocation burst the
// young generation stays at its initial size with keepYoungGenerationSmall(), and grows without it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { optimizingCompilerPaysFor } from '../../src/runtime/v8-memory.js';

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

  it('withoutOptimizingCompiler, set at run time, keeps a hot function from being optimized', () => {
    // %GetOptimizationStatus: bit 64 is "optimized by TurboFan".
    const turbofanned = (off: boolean): boolean => {
      const script = `
        import { withoutOptimizingCompiler } from ${JSON.stringify(MODULE)};
        if (${off}) withoutOptimizingCompiler();
        function hot(x) { return (x * 31 + 7) % 1000003; }
        let sum = 0;
        const until = Date.now() + 300;
        while (Date.now() < until) for (let i = 0; i < 1e5; i += 1) sum += hot(i);
        process.stdout.write(String(sum > 0 && (eval('%GetOptimizationStatus(hot)') & 64) !== 0));`;
      return execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' }) === 'true';
    };
    expect(turbofanned(false)).toBe(true);
    expect(turbofanned(true)).toBe(false);
  });
});

describe('optimizingCompilerPaysFor', () => {
  it('is off for watch and for a migration from either source, on for the rest', () => {
    expect(optimizingCompilerPaysFor(['watch', '--interval', '60'])).toBe(false);
    expect(optimizingCompilerPaysFor(['migrate', '--from', 'pop3s://a@old.example', '--to', 'imaps://a@new.example'])).toBe(false);
    expect(optimizingCompilerPaysFor(['migrate', '--from', 'imaps://a@old.example', '--to', 'imaps://a@new.example'])).toBe(false);
    expect(optimizingCompilerPaysFor(['migrate', '--to', 'imaps://a@new.example'])).toBe(false);
    expect(optimizingCompilerPaysFor(['check', 'pop3s://a@old.example'])).toBe(true);
    expect(optimizingCompilerPaysFor(['accounts', 'list'])).toBe(true);
    expect(optimizingCompilerPaysFor(['--version'])).toBe(true);
    expect(optimizingCompilerPaysFor([])).toBe(true);
  });
});
