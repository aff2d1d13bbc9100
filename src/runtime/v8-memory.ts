// V8 settings for a long-running, mostly idle mail checker, shared by the CLI launcher and the
// desktop app's main process (docs/BENCHMARKS.md, P4 and P6). Both are read by V8 as it runs, so
// setting them at start-up takes effect, unlike heap-layout flags such as --max-semi-space-size;
// call them before the heavy modules load.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

let gc: (() => void) | undefined;

/**
 * A full garbage collection now. For one place only: a migration's copy loop, every few megabytes
 * copied. Each message leaves its Buffers (the socket's chunks, the read, the pieces written),
 * which V8 frees only when it next collects — and its external-memory accounting puts that off by
 * tens of megabytes (a 50 MB message once peaked at twice its size; dead Buffers of small ones
 * piled up to ~30 MB). Collected every 4 MB copied, the same memory serves the next messages.
 * (`--expose-gc` set at run time makes `gc` reachable from a new context; the process's own global
 * is left alone.)
 */
export function collectGarbage(): void {
  if (!gc) setFlagsFromString('--expose-gc');
  const collect = gc ??= runInNewContext('gc') as () => void;
  // A full one: the window's Buffers have usually been promoted by then (a minor GC freed nothing).
  collect();
}
