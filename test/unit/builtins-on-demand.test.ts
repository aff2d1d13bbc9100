// The CLI bundle loads Node's own modules when the code importing them first runs
// (scripts/builtins-on-demand.mjs), not all at once when the bundle loads. Checked in a fresh Node
// (the test runner itself has most built-ins loaded) through the list of modules Node has loaded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { builtinName, builtinsOnDemand, REQUIRE_BANNER } from '../../scripts/builtins-on-demand.mjs';

describe('built-in modules on demand in the CLI bundle', () => {
  it('a built-in loads when its importer first runs, and gives what a plain import would', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mailbeacon-builtins-'));
    writeFileSync(join(root, 'entry.mjs'), "import { basename } from 'node:path';\nexport const name = basename('/a/b.txt');\nexport const later = () => import('./later.mjs');\n");
    // Named, default and namespace imports, with and without the node: prefix.
    writeFileSync(join(root, 'later.mjs'), "import { execFileSync } from 'node:child_process';\nimport tls from 'tls';\nimport * as zlib from 'node:zlib';\n"
      + "export const kinds = [typeof execFileSync, typeof tls.connect, zlib.gunzipSync(zlib.gzipSync('round trip')).toString()];\n");
    const outfile = join(root, 'bundle.mjs');
    await build({
      entryPoints: [join(root, 'entry.mjs')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent', plugins: [builtinsOnDemand()],
      banner: { js: REQUIRE_BANNER },
    });
    const probe = `const loaded = (name) => process.moduleLoadList.includes('NativeModule ' + name);
      const bundle = await import(${JSON.stringify(`file://${outfile}`)});
      const before = ['child_process', 'tls', 'zlib'].map(loaded);
      const { kinds } = await bundle.later();
      console.log(JSON.stringify({ name: bundle.name, before, after: ['child_process', 'tls', 'zlib'].map(loaded), kinds }));`;
    const seen = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(seen).toEqual({ name: 'b.txt', before: [false, false, false], after: [true, true, true], kinds: ['function', 'function', 'round trip'] });
  });

  it("knows Node's modules by either name, and nothing else", () => {
    expect(builtinName('fs')).toBe('node:fs');
    expect(builtinName('node:fs/promises')).toBe('node:fs/promises');
    expect(builtinName('stream/web')).toBe('node:stream/web');
    expect(builtinName('node:sqlite')).toBe('node:sqlite');
    expect(builtinName('imapflow')).toBeUndefined();
    expect(builtinName('./fs')).toBeUndefined();
  });
});
