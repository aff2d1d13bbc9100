#!/usr/bin/env node
// Thin launcher for the compiled CLI (`npm run build`, which `npm ci` runs through `prepare`).
import { setFlagsFromString } from 'node:v8';

// Two V8 settings, made here because they must precede the CLI's modules (docs/BENCHMARKS.md, P4
// and P6). Both are read by V8 as it runs, so setting them now takes effect; heap-layout flags
// such as --max-semi-space-size would not.
// - V8 grows its young generation (to 32 MB here) whenever allocation is brisk and seldom gives it
//   back. Nothing the CLI does needs it: kept at its initial size, a 10,000-message migration
//   peaks ~26 MB lower in the same time, and a watcher of 100 accounts ~13 MB lower.
setFlagsFromString('--semi-space-growth-factor=1');
// - `watch` is idle almost all the time, so the optimizing compiler buys it nothing, while the
//   memory of its compile threads stays resident (~13 MB). A migration's copy loop is hot: the
//   other commands keep the optimizer.
if (process.argv[2] === 'watch') setFlagsFromString('--no-opt');

const { main } = await import('../dist/src/cli/main.js');
const code = await main();
// Flush stdout before leaving: a pipe reader must see every JSON line.
process.stdout.write('', () => process.exit(code));
