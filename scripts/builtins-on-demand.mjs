// An esbuild plugin for the CLI bundle: Node's own modules (node:child_process, node:https, …) are
// loaded when the bundled module that imports them first runs, not all of them when the bundle
// loads. esbuild hoists every `import` of an external module to the top of an ES module bundle, even
// from code it otherwise runs only when a command asks for it, so each command paid for every
// built-in any command uses (child_process for the OAuth browser, https for discovery, …; loading
// the bundle loaded 171 of Node's internal modules, now 136). Through a CommonJS stand-in, the
// import becomes a require() inside the importing module's lazy initialiser instead; `require`
// comes from the bundle's banner (createRequire), so the module is the one Node gives any other
// caller.
import { builtinModules } from 'node:module';

/** The bundle's first line: an ES module has no `require`, and both CommonJS libraries and the
 * stand-ins here and in deferred-imports.mjs call it. */
export const REQUIRE_BANNER = "import { createRequire as __mbCreateRequire } from 'node:module'; const require = __mbCreateRequire(import.meta.url);";

const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/** `node:fs` for `fs` and `node:fs`; undefined for anything that is not one of Node's modules. */
export function builtinName(specifier) {
  if (specifier.startsWith('node:')) return specifier;
  return BUILTINS.has(specifier) ? `node:${specifier}` : undefined;
}

export function builtinsOnDemand() {
  return {
    name: 'builtins-on-demand',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const name = builtinName(args.path);
        if (!name) return undefined;
        // A require() of a built-in already runs where it stands; so does the stand-in's own.
        if (args.kind === 'require-call' || args.namespace === 'builtin-on-demand') return { path: name, external: true };
        return { path: name, namespace: 'builtin-on-demand' };
      });
      build.onLoad({ filter: /.*/, namespace: 'builtin-on-demand' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});\n`, loader: 'js' }));
    },
  };
}
