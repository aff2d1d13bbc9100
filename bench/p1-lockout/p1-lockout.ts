// P1 lockout safety: a stale saved password at default settings, over a simulated day (models) and
// for real against Dovecot, whose own log counts the failed logins.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WatchProcess } from '../../test/support/cli-process.js';
import { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { seeded } from '../../test/support/seeded-random.js';
import { pick, sleep, type BenchContext } from '../support/bench-context.js';
import { fetchmailInstalled, runFetchmail } from '../support/fetchmail.js';
import { verdict, type BenchSection } from '../support/report.js';
import {
  HOUR, fairEmailModel, fetchmailModel, lockoutFigures, mailbeaconModel, thunderbirdModel, type LockoutFigures,
} from './lockout-models.js';

const SEEDS = 50;

/** Mailbeacon's worst figures over many jitter seeds: the goal must hold whatever the dice say. */
function worstMailbeacon(): LockoutFigures {
  const all = Array.from({ length: SEEDS }, (_, seed) => lockoutFigures(mailbeaconModel(undefined, seeded(seed + 1)).failedLogins(24 * HOUR)));
  return {
    firstHour: Math.max(...all.map((f) => f.firstHour)),
    day: Math.max(...all.map((f) => f.day)),
    worst15Min: Math.max(...all.map((f) => f.worst15Min)),
  };
}

interface LiveRun { mailbeacon: number; fetchmail: number | null; seconds: number; modelled: number }

async function liveRun(context: BenchContext): Promise<LiveRun> {
  const seconds = pick(context, 180, 12);
  const dovecot = new PrivateDovecot({ authPenalty: 'realistic' });
  dovecot.setUser('stale', 'the-new-password');
  dovecot.setUser('fetchstale', 'the-new-password');
  await dovecot.start();
  try {
    context.progress(`P1: mailbeacon watch --interval 1 with a stale password for ${seconds} s`);
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-bench-state-'));
    const watch = new WatchProcess([`imaps://stale@127.0.0.1:${dovecot.ports.imaps}`, '--interval', '1', '--ca', dovecot.caFile, '--json', '--state', state],
      { MAILBEACON_PASSWORD: 'the-old-password' });
    await sleep(seconds * 1000);
    await watch.stop();
    const mailbeacon = dovecot.authFailures('stale');
    // At a 1 s interval the guard still waits its own 10-minute base: one failed login in the run.
    const modelled = lockoutFigures(mailbeaconModel(1000, () => 0).failedLogins(seconds * 1000)).day;

    let fetchmail: number | null = null;
    if (fetchmailInstalled()) {
      // Dovecot's penalty is per client IP: the two runs go one after the other, never together.
      await sleep(2000);
      context.progress(`P1: fetchmail -d 1 with a stale password for ${seconds} s`);
      const { output } = await runFetchmail(
        { protocol: 'imap', port: dovecot.ports.imaps, user: 'fetchstale', password: 'the-old-password', caFile: dovecot.caFile },
        { daemonSeconds: 1, forMs: seconds * 1000 });
      fetchmail = dovecot.authFailures('fetchstale');
      if (fetchmail === 0) context.progress(`P1: fetchmail made no login attempt; its output:\n${output.slice(-2000)}`);
    }
    return { mailbeacon, fetchmail, seconds, modelled };
  } finally {
    await dovecot.dispose();
  }
}

export async function lockoutBench(context: BenchContext): Promise<BenchSection> {
  const ours = worstMailbeacon();
  const peers = [thunderbirdModel, fetchmailModel, fairEmailModel].map((model) => ({ model, figures: lockoutFigures(model.failedLogins(24 * HOUR)) }));
  const others = (key: keyof LockoutFigures): string => peers.map(({ model, figures }) => `${model.name} ${figures[key]}`).join(' · ');
  const live = await liveRun(context);
  const rows: BenchSection['rows'] = [
    {
      measure: 'failed logins in the first hour', mailbeacon: String(ours.firstHour), others: others('firstHour'), goal: '≤ 3', verdict: verdict(ours.firstHour <= 3),
      meaning: 'Below every lockout threshold we know of (Entra locks at 10): the user has an hour to notice the request for a new password.',
    },
    {
      measure: 'failed logins in 24 h', mailbeacon: String(ours.day), others: others('day'), goal: '≤ 10', verdict: verdict(ours.day <= 10),
      meaning: `A whole day costs ${ours.day} failed logins, ${peers[0]!.figures.firstHour > ours.day ? `fewer than Thunderbird spends in its first hour (${peers[0]!.figures.firstHour}); ` : ''}it still retries every 4 h, so mail resumes by itself once the password is fixed elsewhere.`,
    },
    {
      measure: 'most failed logins within any 15 min', mailbeacon: String(ours.worst15Min), others: others('worst15Min'), goal: '< 5', verdict: verdict(ours.worst15Min < 5),
      meaning: 'Rate-based bans (typically 5 in 15 min) are never approached; FairEmail\'s quick early retries and Thunderbird\'s three mechanisms per poll are what trip them.',
    },
    {
      measure: `real: \`mailbeacon watch --interval 1\`, ${live.seconds} s, failures in Dovecot's log`,
      mailbeacon: String(live.mailbeacon),
      others: live.fetchmail === null ? 'fetchmail not installed' : `fetchmail -d 1: ${live.fetchmail}`,
      goal: `≈ model (${live.modelled})`,
      verdict: verdict(live.mailbeacon <= live.modelled),
      meaning: `The running program spends no more logins than the model (${live.modelled}: the lockout guard waits 20 min, 40 min … after a failure whatever the interval, so a 1 s interval cannot multiply the failures); fetchmail at the same interval keeps failing at Dovecot's pace.`,
    },
  ];
  return {
    id: 'P1',
    title: 'lockout safety with a stale password',
    method: `Default settings (10-min interval), 24 simulated hours. Mailbeacon is its real login control on a manual clock, worst case over ${SEEDS} jitter seeds; the others are models of their documented policies: `
      + `${peers.map(({ model }) => `${model.name}: ${model.policy}`).join('; ')}. The last row is real time against a private Dovecot with its realistic failure penalty, counting "Password mismatch" lines in Dovecot's log.`,
    rows,
  };
}
