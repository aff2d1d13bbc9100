#!/usr/bin/env node
// Thin launcher for the compiled CLI (`npm run build`, which `npm ci` runs through `prepare`).
import { setFlagsFromString } from 'node:v8';

// `watch` sits idle almost all the time, so V8's optimizing compiler buys it nothing, while the
// memory its background compile threads take stays resident: ~13 MB of a watcher's 70–100 MB
// (docs/BENCHMARKS.md, P4). Set before the CLI's modules load, so they are never optimized; other
// commands (a migration's copy loop is hot) keep the optimizer.
if (process.argv[2] === 'watch') setFlagsFromString('--no-opt');

const { main } = await import('../dist/src/cli/main.js');
const code = await main();
// Flush stdout before leaving: a pipe reader must see every JSON line.
process.stdout.write('', () => process.exit(code));
