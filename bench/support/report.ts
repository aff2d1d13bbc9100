// The benchmark report: one table per benchmark, printed to the terminal and written as Markdown
// with the machine it ran on, so anyone can re-run `npm run bench` and compare like with like.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export type Verdict = 'met' | 'missed' | 'info';

export interface BenchRow {
  measure: string;
  mailbeacon: string;
  /** What a user would pick instead, measured or modelled the same way ('' when there is none). */
  others: string;
  /** Our goal from shared/PRODUCT.md ('' when the row only informs). */
  goal: string;
  verdict: Verdict;
  /** One sentence: what the figure means for a user, and by how much and why a missed goal is missed. */
  meaning: string;
}

export interface BenchSection {
  id: string;
  /** Set when this section was re-measured later with --update (ISO 8601); otherwise the report's date. */
  measuredAt?: string;
  title: string;
  /** How it was measured, in a sentence or two. */
  method: string;
  rows: BenchRow[];
}

export interface MachineFacts {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  dovecot: string;
  fetchmail: string;
}

function versionOf(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
  } catch {
    return 'not installed';
  }
}

export function machineFacts(now = new Date()): MachineFacts {
  return {
    date: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    node: process.version,
    dovecot: versionOf('/usr/sbin/dovecot', ['--version']),
    fetchmail: versionOf('fetchmail', ['--version']).replace(/^This is fetchmail release /, '').replace(/\+.*$/, ''),
  };
}

const VERDICT_TEXT: Record<Verdict, string> = { met: 'met', missed: '**missed**', info: '—' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownReport(machine: MachineFacts, sections: BenchSection[], mode: 'full' | 'quick', command: string): string {
  const lines = [
    '# Mailbeacon benchmarks',
    '',
    `Measured ${machine.date} with \`${command}\`${mode === 'quick' ? ' (quick mode: small sizes, short runs — proves the benchmarks run, not the figures)' : ''}.`,
    '',
    `Machine: ${machine.cpus} CPU (\`nproc\`) · ${machine.cpuModel} · ${machine.memoryGb} GB memory · Node ${machine.node} · Dovecot ${machine.dovecot} · fetchmail ${machine.fetchmail}. `
      + 'Every server is a private Dovecot on 127.0.0.1; every figure below comes from this run.',
    '',
    'Goals are those of shared/PRODUCT.md ("Numbers we hold ourselves to"). A missed goal says by how much and why.',
    '',
  ];
  for (const section of sections) {
    const remeasured = section.measuredAt ? ` Re-measured on its own at ${section.measuredAt} (\`--only ${section.id} --update\`), same machine.` : '';
    lines.push(`## ${section.id} — ${section.title}`, '', `${section.method}${remeasured}`, '');
    lines.push('| Measure | Mailbeacon | Others (same run) | Goal | Verdict | What it means |');
    lines.push('|---|---|---|---|---|---|');
    for (const row of section.rows) {
      lines.push(`| ${cell(row.measure)} | ${cell(row.mailbeacon)} | ${cell(row.others || '—')} | ${cell(row.goal || '—')} | ${VERDICT_TEXT[row.verdict]} | ${cell(row.meaning)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A compact terminal table: the figures without the prose. */
export function terminalTable(sections: BenchSection[]): string {
  const rows = sections.flatMap((section) => section.rows.map((row) => [section.id, row.measure, row.mailbeacon, row.others || '—', row.goal || '—', row.verdict]));
  const header = ['', 'measure', 'Mailbeacon', 'others', 'goal', 'verdict'];
  const widths = header.map((title, column) => Math.min(60, Math.max(title.length, ...rows.map((row) => row[column]!.length))));
  const format = (row: string[]): string => row.map((text, column) => {
    const width = widths[column]!;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
  }).join('  ');
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)].join('\n');
}

export function verdict(met: boolean): Verdict {
  return met ? 'met' : 'missed';
}
