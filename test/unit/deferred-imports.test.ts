// The CLI bundle's deferred imports (scripts/deferred-imports.mjs): a library's import of a module
// it seldom uses becomes a stand-in; the module runs at first use, once, and gives what it would
// have; a rule that no longer matches any import fails the build. Fixture libraries in a temp
// node_modules, each module counting its own loads.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REQUIRE_BANNER } from '../../scripts/builtins-on-demand.mjs';
import { deferredImports, DEFERRED_IMPORTS, type DeferredImport } from '../../scripts/deferred-imports.mjs';

type Loads = Record<string, number>;
declare global { var deferredLoads: Loads | undefined }

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'mailbeacon-deferred-'));
  const file = (path: string, text: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const counted = (name: string): string => `(globalThis.deferredLoads ??= {})[${JSON.stringify(name)}] = ((globalThis.deferredLoads ??= {})[${JSON.stringify(name)}] ?? 0) + 1;\n`;
  // The heavy modules, CommonJS as the real ones are.
  file('node_modules/tables/index.js', `${counted('tables')}exports.convert = (text) => text.toUpperCase();\n`);
  file('node_modules/logger/index.js', `${counted('logger')}module.exports = (options) => ({ level: options.level });\n`);
  file('node_modules/validator/index.js', `${counted('validator')}class Validator { constructor(options) { this.options = options; } }\nexports.Validator = Validator;\n`);
  // Their importers, in the forms the rules name.
  file('node_modules/cjs-user/index.js', "const tables = require('tables');\nexports.decode = (text) => tables.convert(text);\n");
  file('node_modules/esm-user/index.mjs', "import tables from 'tables';\nimport logger from 'logger';\nimport { Validator } from 'validator';\n"
    + 'export const decode = (text) => tables.convert(text);\nexport const log = (level) => logger({ level });\nexport const validator = (options) => new Validator(options);\n');
  // Someone else importing `tables` directly: not deferred for them.
  file('node_modules/eager-user/index.js', "const tables = require('tables');\nexports.ready = typeof tables.convert;\n");
  file('entry.mjs', "export * as cjs from 'cjs-user';\nexport * as esm from 'esm-user/index.mjs';\n");
  return root;
}

const RULES: DeferredImport[] = [
  { importer: 'cjs-user/index.js', module: 'tables', form: 'require' },
  { importer: 'esm-user/index.mjs', module: 'tables', form: 'default-object' },
  { importer: 'esm-user/index.mjs', module: 'logger', form: 'default-function' },
  { importer: 'esm-user/index.mjs', module: 'validator', form: 'named-class:Validator' },
];

async function bundle(root: string, entry: string, rules: DeferredImport[]): Promise<string> {
  const outfile = join(root, `out-${Math.random().toString(36).slice(2)}.mjs`);
  await build({
    entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent', plugins: [deferredImports(rules)],
    banner: { js: REQUIRE_BANNER },
  });
  return outfile;
}

describe('deferred imports in the CLI bundle', () => {
  it('each module runs at its first use, once, and gives what it would have', async () => {
    const root = fixture();
    globalThis.deferredLoads = {};
    const built = await import(pathToFileURL(await bundle(root, 'entry.mjs', RULES)).href) as {
      cjs: { decode(text: string): string };
      esm: { decode(text: string): string; log(level: string): { level: string }; validator(options: object): { options: object } };
    };
    expect(globalThis.deferredLoads).toEqual({}); // loading the bundle ran none of them
    expect(built.cjs.decode('abc')).toBe('ABC');
    expect(built.esm.decode('def')).toBe('DEF');
    expect(globalThis.deferredLoads).toEqual({ tables: 1 }); // one copy, shared by both importers
    expect(built.esm.log('info')).toEqual({ level: 'info' });
    const validator = built.esm.validator({ strict: true });
    expect(validator.options).toEqual({ strict: true });
    expect(String(validator.constructor)).toMatch(/^class /); // the real class's instance, not the stand-in's
    expect(globalThis.deferredLoads).toEqual({ tables: 1, logger: 1, validator: 1 });
  });

  it('only the named importer gets a stand-in', async () => {
    const root = fixture();
    writeFileSync(join(root, 'eager.mjs'), "export * as eager from 'eager-user';\nexport * as cjs from 'cjs-user';\n");
    globalThis.deferredLoads = {};
    const built = await import(pathToFileURL(await bundle(root, 'eager.mjs', RULES.slice(0, 1))).href) as { eager: { ready: string } };
    expect(built.eager.ready).toBe('function');
    expect(globalThis.deferredLoads).toEqual({ tables: 1 });
  });

  it('a rule that matches no import fails the build, naming it', async () => {
    const root = fixture();
    const stale: DeferredImport = { importer: 'cjs-user/index.js', module: 'renamed-tables', form: 'require' };
    await expect(bundle(root, 'entry.mjs', [...RULES, stale])).rejects.toThrow(/deferred import of renamed-tables from cjs-user\/index\.js matched no import/);
  });

  it('the rules name only forms the stand-ins know', () => {
    for (const rule of DEFERRED_IMPORTS) expect(rule.form).toMatch(/^(require|default-object|default-function|named-class:[A-Za-z_$][\w$]*)$/);
  });
});
