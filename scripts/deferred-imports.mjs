// An esbuild plugin for the CLI bundle: a few libraries import, at load, a module they use only on a
// path our commands seldom or never take. Every command would pay for setting it up (most of a
// catch-up `migrate` or a `check` from cron is start-up), so for those importers the module is put
// off until first use: the importer gets a stand-in that loads the real module (bundled as usual)
// the first time it is used. Measured in docs/BENCHMARKS.md (P8, the incremental run).
//
// A rule names the importer (a file under node_modules/) and how that file uses the module:
// - 'require' and 'default-object': it only reads properties (CommonJS require / ESM default import);
// - 'default-function': it only calls the default export;
// - 'named-class:NAME': it only constructs NAME with `new`.
// A stand-in supports nothing else (no enumeration, no instanceof), so each rule is checked against
// the importer's code by hand, and the build fails when a rule matches no import (a library changed:
// look at it again rather than silently load everything).
import { dirname } from 'node:path';

export const DEFERRED_IMPORTS = [
  // Japanese charsets only (ISO-2022-JP, Shift_JIS, EUC-JP); setting up its tables took ~9 ms of a
  // CPU profile of a catch-up.
  { importer: 'libmime/lib/charset.js', module: 'encoding-japanese', form: 'require' },
  { importer: 'imapflow/dist/esm/jp-decoder.js', module: 'encoding-japanese', form: 'default-object' },
  // imapflow's default logger, for a connection given none: ours always gets our redacting one.
  { importer: 'imapflow/dist/esm/logger.js', module: 'pino', form: 'default-function' },
  // conf validates with Ajv only when given a JSON schema; ours is checked with zod (settings-files.ts).
  { importer: 'conf/dist/source/index.js', module: 'ajv/dist/2020.js', form: 'named-class:Ajv2020' },
  { importer: 'conf/dist/source/index.js', module: 'ajv-formats', form: 'default-object' },
];

function standIn(module, form) {
  const load = `let real;\nconst load = () => (real ??= require(${JSON.stringify(module)}));\n`;
  const object = 'new Proxy({}, { get: (_, key) => load()[key] })';
  if (form === 'require') return `${load}module.exports = ${object};\n`;
  if (form === 'default-object') return `${load}export default ${object};\n`;
  if (form === 'default-function') return `${load}export default function deferred(...args) { return load()(...args); }\n`;
  const named = /^named-class:([A-Za-z_$][\w$]*)$/.exec(form);
  // `new` on a function that returns an object gives that object: the real class's instance.
  if (named) return `${load}export function ${named[1]}(...args) { return new (load().${named[1]})(...args); }\n`;
  throw new Error(`deferred import of ${module}: unknown form "${form}"`);
}

/** The plugin for `rules` (DEFERRED_IMPORTS unless given). */
export function deferredImports(rules = DEFERRED_IMPORTS) {
  return {
    name: 'deferred-imports',
    setup(build) {
      const used = new Set();
      build.onResolve({ filter: /.*/ }, (args) => {
        const importer = args.importer.replaceAll('\\', '/');
        const rule = rules.find((candidate) => candidate.module === args.path && importer.endsWith(`/node_modules/${candidate.importer}`));
        if (!rule) return undefined;
        used.add(rule);
        return { path: `${rule.importer} -> ${rule.module}`, namespace: 'deferred-import', pluginData: { rule, resolveDir: dirname(args.importer) } };
      });
      build.onLoad({ filter: /.*/, namespace: 'deferred-import' }, ({ pluginData: { rule, resolveDir } }) => (
        // Resolved from the importer's folder, so the stand-in finds the same copy the importer would.
        { contents: standIn(rule.module, rule.form), resolveDir, loader: 'js' }));
      build.onEnd((result) => {
        if (result.errors.length > 0) return undefined;
        const unused = rules.filter((rule) => !used.has(rule));
        return { errors: unused.map((rule) => ({ text: `deferred import of ${rule.module} from ${rule.importer} matched no import: has the library changed? (scripts/deferred-imports.mjs)` })) };
      });
    },
  };
}
