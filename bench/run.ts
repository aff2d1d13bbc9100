// `npm run bench`: runs P1–P8, prints a table and writes docs/BENCHMARKS.md (with --quick: small
// sizes and short runs into test-results/, to prove the benchmarks still run). A .json with the same
// figures is written beside the Markdown.
//   node dist/bench/run.js [--quick] [--only P1,P3 [--update]] [--out FILE]
// --update re-measures only the given benchmarks and keeps the other sections of the report.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { lockoutBench } from './p1-lockout/p1-lockout.js';
import { checkCostBench } from './p2-check-cost/p2-check-cost.js';
import { idleLatencyBench } from './p3-idle-latency/p3-idle-latency.js';
import { scaleBench } from './p4-scale/p4-scale.js';
import { migrationThroughputBench } from './p5-migration/p5-migration.js';
import { migrationMemoryBench } from './p6-memory/p6-memory.js';
import { discoveryBench } from './p7-discovery/p7-discovery.js';
import { imapPeersBench } from './p8-imap-peers/p8-imap-peers.js';
import type { BenchContext } from './support/bench-context.js';
import { machineFacts, markdownReport, terminalTable, type BenchSection, type MachineFacts } from './support/report.js';

const BENCHMARKS: Record<string, (context: BenchContext) => Promise<BenchSection>> = {
  P1: lockoutBench,
  P2: checkCostBench,
  P3: idleLatencyBench,
  P4: scaleBench,
  P5: migrationThroughputBench,
  P6: migrationMemoryBench,
  P7: discoveryBench,
  P8: imapPeersBench,
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' }, update: { type: 'boolean', default: false } },
    strict: true,
  });
  const quick = values.quick;
  const ids = values.only ? values.only.toUpperCase().split(',').map((id) => id.trim()) : Object.keys(BENCHMARKS);
  const unknown = ids.filter((id) => !BENCHMARKS[id]);
  if (unknown.length) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (known: ${Object.keys(BENCHMARKS).join(', ')})\n`);
    return 2;
  }
  const out = values.out ?? (quick ? 'test-results/BENCHMARKS.quick.md' : 'docs/BENCHMARKS.md');
  const started = Date.now();
  const context: BenchContext = {
    quick,
    progress: (message) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`),
  };
  const jsonOut = `${out.replace(/\.md$/, '')}.json`;
  let machine = machineFacts();
  let sections: BenchSection[] = [];
  if (values.update) {
    if (!values.only || !existsSync(jsonOut)) {
      process.stderr.write(`bench: --update needs --only and an earlier report at ${jsonOut}\n`);
      return 2;
    }
    const earlier = JSON.parse(readFileSync(jsonOut, 'utf8')) as { machine: MachineFacts; sections: BenchSection[] };
    machine = earlier.machine;
    sections = earlier.sections;
  }
  for (const id of ids) {
    context.progress(`${id} starts`);
    const measured = await BENCHMARKS[id]!(context);
    const section = values.update ? { ...measured, measuredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } : measured;
    const index = sections.findIndex((s) => s.id === id);
    if (index >= 0) sections[index] = section;
    else sections.push(section);
  }
  sections.sort((a, b) => a.id.localeCompare(b.id));
  const command = values.update ? 'npm run bench' : `npm run bench${quick || values.only ? ` --${quick ? ' --quick' : ''}${values.only ? ` --only ${values.only}` : ''}` : ''}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, markdownReport(machine, sections, quick ? 'quick' : 'full', command));
  // The same figures for programs (the quick run's test reads them).
  writeFileSync(jsonOut, `${JSON.stringify({ machine, mode: quick ? 'quick' : 'full', sections }, null, 2)}\n`);
  process.stdout.write(`${terminalTable(sections)}\n\nwritten to ${out} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error: Error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
