#!/usr/bin/env -S node --no-concurrent-recompilation
// Thin launcher for the built CLI (`npm run build`, which `npm ci` runs through `prepare`).
// --no-concurrent-recompilation: V8's optimizing compiler works on the main thread instead of its
// worker threads, whose memory (a malloc arena each) stays resident once touched: a migration of
// 10,000 messages peaked 9 MB lower from POP3 and 24 MB lower from IMAP, in no more time (P6). It
// cannot be set once V8 runs, hence the first line (`env -S`: Linux coreutils 8.30+, macOS; npm's
// Windows shims pass it on); `node bin/mailbeacon.js` works too, without it.
// Only what every Node can parse comes first: an older Node is told what it needs in our words.
import { nodeTooOld } from './node-version.js';

const tooOld = nodeTooOld(process.versions.node);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(2);
}
const { default: nodeModule } = await import('node:module');
const { keepYoungGenerationSmall, withoutOptimizingCompiler } = await import('../dist/src/runtime/v8-memory.js');

// Before the CLI's modules load (see v8-memory.ts): every command keeps V8's young generation
// small; `watch`, idle almost all the time, also runs without the optimizing compiler.
keepYoungGenerationSmall();
if (process.argv[2] === 'watch') withoutOptimizingCompiler();

// One bundled file (`npm run build:cli`, whitespace-minified: less to read and parse; names kept for
// stack traces): Node reads, resolves and compiles one module instead of hundreds, which is most of
// a short command's time (a catch-up `migrate`, a `check` from cron). Node 22's compile cache keeps
// V8's compiled code between runs (in the OS temp dir; Node checks it against the file's contents).
nodeModule.enableCompileCache?.();
const { main } = await import('../dist/cli/mailbeacon.mjs');
const code = await main();
// Flush stdout before leaving: a pipe reader must see every JSON line.
process.stdout.write('', () => process.exit(code));
