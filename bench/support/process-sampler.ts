// Resident memory and CPU time of a child process, read from /proc (Linux): what `ps` would say,
// sampled while it runs, so a benchmark can report peak memory and CPU over a window.
import { readFileSync } from 'node:fs';

export interface ProcessSample { at: number; rssBytes: number; peakRssBytes: number; cpuMs: number }

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we ship for.

export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    // Fields after the command name (which may hold spaces) in /proc/PID/stat: utime is the 14th field.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { at: Date.now(), rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM'), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined; // The process has gone.
  }
}

/** Samples every `everyMs` until `done` settles; returns the last sample of the live process. */
export async function samplePeakUntil(pid: number, done: Promise<unknown>, everyMs = 25): Promise<ProcessSample | undefined> {
  let last: ProcessSample | undefined;
  let finished = false;
  // Either way the sampling stops; the caller meets a rejection itself (no second, unhandled one here).
  const stop = (): void => { finished = true; };
  done.then(stop, stop);
  while (!finished) {
    const sample = sampleProcess(pid);
    // A process that has exited but not yet been reaped (a zombie) reports no memory at all.
    if (sample && sample.peakRssBytes > 0) last = sample;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return last;
}

export const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
