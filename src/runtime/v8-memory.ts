// V8 settings for a long-running, mostly idle mail checker, shared by the CLI launcher and the
// desktop app's main process (docs/BENCHMARKS.md, P4 and P6). Both are read by V8 as it runs, so
// setting them at start-up takes effect, unlike heap-layout flags such as --max-semi-space-size;
// call them before the heavy modules load.
import { parseArgs } from 'node:util';
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
 * for (the launcher turns it off otherwise, before the CLI loads). Measured on 10,000 small
 * messages (docs/BENCHMARKS.md, P6 and P8):
 * - `watch` is idle almost all the time.
 * - A migration from POP3 spends its time in TLS, the sockets and the servers: the same CPU time
 *   without the compiler (2.1-2.2 s user either way). The compiler's own memory is ~7 MB at the
 *   start (its code in the node binary, paged in). It also made the peak grow with the mailbox:
 *   the malloc arena of the thread it compiles on rose by up to 3 MB at moments late in a long
 *   run.
 * - From IMAP, imapflow parses every FETCH answer in JavaScript: 10 % more CPU and 17 % more
 *   time without the compiler, so it stays on.
 * `args`: the command line after the script (process.argv.slice(2)).
 */
export function optimizingCompilerPaysFor(args: readonly string[]): boolean {
  const [command, ...rest] = args;
  if (command === 'watch') return false;
  if (command !== 'migrate') return true;
  const { values } = parseArgs({ args: [...rest], options: { from: { type: 'string' } }, strict: false, allowPositionals: true });
  return !(typeof values.from === 'string' && /^pop3s?:/i.test(values.from));
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
