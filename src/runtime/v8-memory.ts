// V8 settings for a long-running, mostly idle mail checker, shared by the CLI launcher and the
// desktop app's main process (docs/BENCHMARKS.md, P4 and P6). Both are read by V8 as it runs, so
// setting them at start-up takes effect, unlike heap-layout flags such as --max-semi-space-size;
// call them before the heavy modules load.
import { setFlagsFromString } from 'node:v8';

/** V8 grows its young generation (to 32 MB here) whenever allocation is brisk, as when many
 * accounts log in at once, and seldom gives it back. Kept at its initial size, a 10,000-message
 * migration peaks ~26 MB lower in the same time, and a watcher of 100 accounts ~13 MB lower. */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** For a process that only watches: it has no hot code, so the optimizing compiler buys nothing,
 * while the memory of its compile threads stays resident (~13 MB). Not for a migration, whose
 * copy loop is hot. */
export function withoutOptimizingCompiler(): void {
  setFlagsFromString('--no-opt');
}
