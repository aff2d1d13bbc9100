#!/usr/bin/env node
// Thin launcher for the compiled CLI (`npm run build`, which `npm ci` runs through `prepare`).
import { main } from '../dist/src/cli/main.js';

const code = await main();
// Flush stdout before leaving: a pipe reader must see every JSON line.
process.stdout.write('', () => process.exit(code));
