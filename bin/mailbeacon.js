#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --v8-pool-size=1
// Thin launcher for the built CLI (`npm run build`, which `npm ci` runs through `prepare`).
// --v8-pool-size=1: one V8 worker thread instead of four. Each worker that compiles or collects
// gets a malloc arena whose memory stays resident once touched: with one, a migration of 10,000
// messages peaked 6 MB lower from POP3 and 20 MB lower from IMAP (P6), and P8's copy was no slower
// in an interleaved A/B (stopping concurrent compilation altogether saved a few MB more but cost
// ~10 % of P8's speed).
// MALLOC_MMAP_THRESHOLD_=131072: glibc's default mmap threshold, set so that it stays put. Left
// alone, glibc raises it to the largest block freed so far (up to 32 MB), and its heap-trim
// threshold to twice that; Node's start frees a 6 MB block (the compile cache hashes the bundle's
// source), after which little freed memory went back (P6: a 100,000-message migration's malloc
// heap stood at 8.0 MB after its first second, its listing, against 3.3 MB pinned). Other C
// libraries (macOS, Windows, musl) ignore it.
// Neither can be set once Node runs, hence the first line (`env -S`: Linux coreutils 8.30+,
// macOS; npm's Windows shims pass both on); `node bin/mailbeacon.js` works too, without them.
// Only what every Node can parse comes first: an older Node is told what it needs in our words.
import { nodeTooOld } from './node-version.js';

const tooOld = nodeTooOld(process.versions.node);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(2);
}
// Ours alone: not passed on to what the CLI starts (a browser for an OAuth2 sign-in).
if (process.env.MALLOC_MMAP_THRESHOLD_ === '131072') delete process.env.MALLOC_MMAP_THRESHOLD_;
const { default: nodeModule } = await import('node:module');
const { keepYoungGenerationSmall, optimizingCompilerPaysFor, withoutOptimizingCompiler } = await import('../dist/src/runtime/v8-memory.js');

// Before the CLI's modules load (see v8-memory.ts): every command keeps V8's young generation
// small; `watch` and `migrate`, with no hot code worth it, also run without the optimizing
// compiler.
keepYoungGenerationSmall();
if (!optimizingCompilerPaysFor(process.argv.slice(2))) withoutOptimizingCompiler();

// One bundled file (`npm run build:cli`, whitespace-minified: less to read and parse; names kept for
// stack traces): Node reads, resolves and compiles one module instead of hundreds, which is most of
// a short command's time (a catch-up `migrate`, a `check` from cron). Node 22's compile cache keeps
// V8's compiled code between runs (in the OS temp dir; Node checks it against the file's contents).
nodeModule.enableCompileCache?.();
const { main } = await import('../dist/cli/mailbeacon.mjs');
const code = await main();
// Flush stdout before leaving: a pipe reader must see every JSON line.
process.stdout.write('', () => process.exit(code));
