// The benchmarks in quick mode, so CI proves they still run end to end (real Dovecot, fetchmail,
// mbsync, keychain, the built CLI). Figures are not judged here (benchmarks print numbers, tests never
// time anything); what must hold whatever the speed is: every benchmark reports, every row has a
// figure, and the correctness rows (nothing lost, probes pushed, deterministic models) are met.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchSection } from '../../bench/support/report.js';

const RUNNER = fileURLToPath(new URL('../../dist/bench/run.js', import.meta.url));

function runQuickBench(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNNER, '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => { output += data.toString(); });
    child.stderr.on('data', (data: Buffer) => { output += data.toString(); });
    child.on('close', (code) => resolve({ code, output }));
  });
}

const rowOf = (section: BenchSection, measure: RegExp) => {
  const row = section.rows.find((r) => measure.test(r.measure));
  if (!row) throw new Error(`${section.id} has no row ${measure}: ${section.rows.map((r) => r.measure).join('; ')}`);
  return row;
};

describe('npm run bench -- --quick', () => {
  it('runs P1–P8 and writes a report whose correctness rows hold', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mailbeacon-bench-')), 'BENCHMARKS.md');
    const { code, output } = await runQuickBench(out);
    expect(code, output).toBe(0);
    const report = JSON.parse(readFileSync(out.replace(/\.md$/, '.json'), 'utf8')) as { mode: string; sections: BenchSection[] };
    expect(report.mode).toBe('quick');
    const byId = new Map(report.sections.map((section) => [section.id, section]));
    expect([...byId.keys()]).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8']);
    for (const section of report.sections) {
      expect(section.rows.length, section.id).toBeGreaterThan(0);
      for (const row of section.rows) {
        expect(row.mailbeacon, `${section.id} ${row.measure}`).toMatch(/\d/);
        expect(`${row.mailbeacon} ${row.others} ${row.meaning}`, `${section.id} ${row.measure}`).not.toMatch(/NaN|undefined|Infinity/);
      }
    }
    // Deterministic or correctness rows: these hold on any machine.
    const p1 = byId.get('P1')!;
    for (const measure of [/first hour/, /in 24 h/, /15 min/]) expect(rowOf(p1, measure).verdict).toBe('met');
    expect(rowOf(byId.get('P2')!, /^growth/).verdict).toBe('met');
    expect(rowOf(byId.get('P4')!, /still watching/).verdict).toBe('met');
    expect(rowOf(byId.get('P5')!, /nothing lost/).verdict).toBe('met');
    expect(rowOf(byId.get('P6')!, /^copied/).verdict).toBe('met');
    expect(rowOf(byId.get('P7')!, /address → confirmed account, autoconfig/).mailbeacon).toMatch(/ms$/);
    // IMAP → IMAP: every message in its folder with its flags, and the catch-up copies the new ones.
    expect(rowOf(byId.get('P8')!, /every message in its folder/).verdict).toBe('met');
    expect(rowOf(byId.get('P8')!, /^incremental/).mailbeacon).toMatch(/\(20 copied\)$/);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toMatch(/Machine: \d+ CPU \(`nproc`\)/);
    for (const id of byId.keys()) expect(markdown).toContain(`## ${id} — `);
  }, 400_000);
});
