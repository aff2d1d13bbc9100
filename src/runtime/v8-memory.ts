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

/** For a process without hot code worth compiling (see optimizingCompilerPaysFor): the
 * optimizing compiler's own memory stays resident (~13 MB for a watcher). */
export function withoutOptimizingCompiler(): void {
  setFlagsFromString('--no-opt');
}

/**
 * Whether the work a command line asks for has hot JavaScript that the optimizing compiler pays
 * for (the launcher turns it off otherwise, before the CLI loads; docs/BENCHMARKS.md, P6 and P8):
 * - `watch` is idle almost all the time.
 * - `migrate` spends its time in TLS, the sockets and the servers, and collects garbage every
 *   2 MB copied (see migration-engine.ts). Each of those full collections throws away optimized
 *   code whose embedded objects died (V8's "weak objects" deoptimization: 100 of them in one P8
 *   run), so the compiler compiled the same parser functions over and over, on a thread of its
 *   own: P8's 2,000 IMAP messages took 2.1-2.4 s of CPU with it and 1.2-1.4 s without, 2.3-2.5 s
 *   of wall time against 1.9-2.2 s, and peaked 14 MB higher (86 against 72.5 MB; its code in the
 *   node binary and its thread's malloc arena). From POP3 the CPU time was the same either way,
 *   7 MB lower without it. (10,000 messages of 2-5 kB from IMAP, where imapflow's parsing is the
 *   larger share, came out within this machine's noise: 5.1-6.4 s with it, 5.8-6.6 s without.)
 * `args`: the command line after the script (process.argv.slice(2)).
 */
export function optimizingCompilerPaysFor(args: readonly string[]): boolean {
  const [command] = args;
  return command !== 'watch' && command !== 'migrate';
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection now. For one place only: a migration's copy loop, every few megabytes
 * copied. Each message leaves its Buffers (the socket's chunks, the read, the pieces written),
 * which V8 frees only when it next collects — and its external-memory accounting puts that off by
 * tens of megabytes (a 50 MB message once peaked at twice its size; dead Buffers of small ones
 * piled up to ~30 MB). Collected every 2 MB copied, the same memory serves the next messages.
 * (`--expose-gc` set at run time makes `gc` reachable from a new context; the process's own global
 * is left alone.)
 */
export function collectGarbage(): void {
  if (!gc) setFlagsFromString('--expose-gc');
  const collect = gc ??= runInNewContext('gc') as () => void;
  // A full one: the window's Buffers have usually been promoted by then (a minor GC freed nothing).
  collect();
}
