// The launcher's first line sets glibc's mmap threshold for the CLI's own process (see
// bin/mailbeacon.js), and the launcher keeps it from reaching what the CLI starts.
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
