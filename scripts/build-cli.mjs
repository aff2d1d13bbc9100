// `npm run build:cli`: the CLI as one bundled file (whitespace-minified: less to read and parse; names
// kept for stack traces). Node reads, resolves and compiles one module instead of hundreds, which is
// most of a short command's time; see also builtins-on-demand.mjs and deferred-imports.mjs.
import { build } from 'esbuild';
import { builtinsOnDemand, REQUIRE_BANNER } from './builtins-on-demand.mjs';
import { deferredImports } from './deferred-imports.mjs';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['keytar'],
  minifyWhitespace: true,
  minifySyntax: true,
  outfile: 'dist/cli/mailbeacon.mjs',
  logLevel: 'warning',
  banner: { js: REQUIRE_BANNER },
  plugins: [builtinsOnDemand(), deferredImports()],
});
