// Runs the built `mailbeacon` CLI as a real child process (black box), for one-shot commands and
// for `watch`, whose JSON lines are read as they come.
import { sampleProcess } from '../../bench/support/process-sampler.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// From test/support in the sources (vitest) or dist/test/support once compiled (the benchmarks).
export const CLI = fileURLToPath(new URL(`${import.meta.url.includes('/dist/test/') ? '../../../' : '../../'}bin/mailbeacon.js`, import.meta.url));

/**
 * The CLI run as an installed `mailbeacon` runs: the launcher itself, so the settings on its first
 * line apply (bin/mailbeacon.js), with this Node first on PATH. (Windows has no first lines:
 * there npm's shim runs Node with them, and this runs Node without them.)
 */
export function spawnAsInstalled(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  if (process.platform === 'win32') return spawn(process.execPath, [CLI, ...args], { env, stdio: 'pipe' });
  return spawn(CLI, args, { env: { ...env, PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}` }, stdio: 'pipe' });
}

export interface CliResult {
  status: number | null; stdout: string; stderr: string; events: Array<Record<string, unknown>>;
  /** Wall time from spawn to exit, and the child's peak resident memory (Linux /proc, VmHWM). */
  ms: number; peakRssBytes: number;
}

function parseEvents(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, MAILBEACON_PASSWORD: '', ...options.env },
    });
    const started = Date.now();
    let stdout = '';
    let stderr = '';
    let peakRssBytes = 0;
    // VmHWM is the process's own peak: sampling often enough only needs to see it before exit.
    const sampler = setInterval(() => { peakRssBytes = Math.max(peakRssBytes, sampleProcess(child.pid!)?.peakRssBytes ?? 0); }, 20);
    child.stdout.on('data', (data: Buffer) => { stdout += data.toString(); });
    child.stderr.on('data', (data: Buffer) => { stderr += data.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`mailbeacon ${args[0]} did not finish:\n${stdout}\n${stderr}`)); }, options.timeoutMs ?? 60_000);
    child.on('exit', () => clearInterval(sampler));
    child.on('close', (status) => {
      clearTimeout(timer);
      clearInterval(sampler);
      resolve({ status, stdout, stderr, events: parseEvents(stdout), ms: Date.now() - started, peakRssBytes });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** A running `mailbeacon watch`: read its events as they arrive, write lines to its stdin. */
export class WatchProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: Array<Record<string, unknown> & { receivedAt: number }> = [];
  stderr = '';
  /** Everything written to stdout (human lines too). */
  stdout = '';
  private pending = '';
  private readonly listeners = new Set<() => void>();

  /** `asInstalled`: through the launcher's first line (spawnAsInstalled), as the benchmarks measure. */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, options: { asInstalled?: boolean } = {}) {
    const fullEnv = { ...process.env, MAILBEACON_PASSWORD: '', ...env };
    this.child = options.asInstalled ? spawnAsInstalled(['watch', ...args], fullEnv) : spawn(process.execPath, [CLI, 'watch', ...args], { env: fullEnv });
    this.child.stdout.on('data', (data: Buffer) => {
      this.stdout += data.toString();
      this.pending += data.toString();
      let end: number;
      while ((end = this.pending.indexOf('\n')) !== -1) {
        const line = this.pending.slice(0, end);
        this.pending = this.pending.slice(end + 1);
        if (line.startsWith('{')) this.events.push({ ...(JSON.parse(line) as Record<string, unknown>), receivedAt: Date.now() });
      }
      for (const listener of this.listeners) listener();
    });
    this.child.stderr.on('data', (data: Buffer) => { this.stderr += data.toString(); });
  }

  writeLine(line: string): void { this.child.stdin.write(`${line}\n`); }

  /** Resolves with the first event from index `from` on that matches. */
  waitFor(match: (event: Record<string, unknown>) => boolean, from = 0, timeoutMs = 30_000): Promise<Record<string, unknown> & { receivedAt: number }> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find(match);
        if (!found) return false;
        this.listeners.delete(listener);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const listener = (): void => { check(); };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(this.events)}\n${this.stderr}`));
      }, timeoutMs);
      this.listeners.add(listener);
      check();
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('close', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    return exited;
  }
}
