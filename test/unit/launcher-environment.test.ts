// The launcher's first line sets glibc's mmap threshold for the CLI's own process (see
// bin/mailbeacon.js), and the launcher keeps it from reaching what the CLI starts; before the CLI
// loads, it turns V8's optimizing compiler off for the commands without hot code.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnAsInstalled } from '../support/cli-process.js';

describe.runIf(process.platform === 'linux')('the launcher (Linux: /proc)', () => {
  it('starts Node with MALLOC_MMAP_THRESHOLD_ set and does not pass it on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-launcher-'));
    const probe = join(dir, 'probe.mjs');
    const out = join(dir, 'seen.json');
    // Preloaded before the launcher runs: the process's initial environment, and process.env at
    // exit, which is what a child started by the CLI would inherit.
    writeFileSync(probe, `
      import { readFileSync, writeFileSync } from 'node:fs';
      const initial = readFileSync('/proc/self/environ', 'utf8').split('\\0').find((entry) => entry.startsWith('MALLOC_MMAP_THRESHOLD_='));
      process.on('exit', () => writeFileSync(${JSON.stringify(out)}, JSON.stringify({ initial, passedOn: process.env.MALLOC_MMAP_THRESHOLD_ ?? null })));
    `);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` };
    delete env.MALLOC_MMAP_THRESHOLD_;
    const child = spawnAsInstalled(['--version'], env);
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ initial: 'MALLOC_MMAP_THRESHOLD_=131072', passedOn: null });
  });
});

describe('the launcher\'s V8 flags', () => {
  /** The flags the launcher sets at run time for this command line (recorded by a preload that
   * wraps node:v8's setFlagsFromString before the launcher imports it). */
  async function flagsSetFor(args: string[]): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-launcher-'));
    const probe = join(dir, 'probe.mjs');
    const out = join(dir, 'flags.json');
    writeFileSync(probe, `
      import { createRequire, syncBuiltinESMExports } from 'node:module';
      import { writeFileSync } from 'node:fs';
      const v8 = createRequire(import.meta.url)('node:v8');
      const set = v8.setFlagsFromString;
      const flags = [];
      v8.setFlagsFromString = (flag) => { flags.push(flag); set(flag); };
      syncBuiltinESMExports();
      process.on('exit', () => writeFileSync(${JSON.stringify(out)}, JSON.stringify(flags)));
    `);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}`, MAILBEACON_PASSWORD: '' };
    const child = spawnAsInstalled(args, env);
    child.stdin.end();
    await new Promise((resolve) => child.once('close', resolve));
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  }

  it('runs watch and a migration from either source without the optimizing compiler, other commands with it', async () => {
    // No password is given: each command stops at once, after the launcher has set its flags.
    const migrate = (from: string): string[] => ['migrate', '--from', from, '--to', 'imaps://a@127.0.0.1:1', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-launcher-state-'))];
    expect(await flagsSetFor(migrate('pop3s://a@127.0.0.1:1'))).toContain('--no-opt');
    expect(await flagsSetFor(migrate('imaps://a@127.0.0.1:1'))).toContain('--no-opt');
    expect(await flagsSetFor(['watch', 'imaps://a@127.0.0.1:1', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-launcher-state-'))])).toContain('--no-opt');
    expect(await flagsSetFor(['--version'])).not.toContain('--no-opt');
    expect(await flagsSetFor(['--version'])).toContain('--semi-space-growth-factor=1');
  });
});
