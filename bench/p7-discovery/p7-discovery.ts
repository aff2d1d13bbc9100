// P7 adding an account from its address: how long discovery takes per source on loopback (a real
// dnsmasq, an HTTPS server with the test CA, the private Dovecot), in process, and the whole of
// `mailbeacon accounts add ADDRESS --yes` — discovery, the probe, the verifying login and the save —
// as a user runs it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../../src/discovery/discover.js';
import { nameResolver } from '../../src/protocols/net/name-resolver.js';
import { runCli } from '../../test/support/cli-process.js';
import { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { autoconfigXml, issueCertificate, randomLoopbackAddress, TcpForwarder, TestDns, TestWebServer } from '../../test/support/test-network.js';
import { pick, type BenchContext } from '../support/bench-context.js';
import { percentile } from '../support/percentile.js';
import { verdict, type BenchSection } from '../support/report.js';

const PASSWORD = 'bench-password';
const CASES = [
  { source: 'builtin', address: 'someone@qq.com', goalMs: 50 },
  { source: 'srv', address: 'ann@srv.bench.test', goalMs: 1_000 },
  { source: 'autoconfig', address: 'ann@autoconfig-bench.test', goalMs: 1_000 },
  { source: 'guess', address: 'ann@guess.bench.test', goalMs: 0 },
] as const;

const ms = (value: number): string => (value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);

export async function discoveryBench(context: BenchContext): Promise<BenchSection> {
  const rounds = pick(context, 15, 3);
  const dovecot = new PrivateDovecot({ authPenalty: 'fast', certificateNames: ['imap.guess.bench.test'] });
  const dns = new TestDns();
  const webAddress = randomLoopbackAddress();
  const guessAddress = randomLoopbackAddress();
  for (const { address } of CASES) dovecot.setUser(address, PASSWORD);
  await dovecot.start();
  const web = await new TestWebServer(webAddress, issueCertificate(dovecot.caFile, dovecot.caKeyFile, ['autoconfig.autoconfig-bench.test'])).start();
  web.answer('https://autoconfig.autoconfig-bench.test/mail/config-v1.1.xml', {
    body: autoconfigXml([{ type: 'imap', host: 'localhost', port: dovecot.ports.imaps, socketType: 'SSL' }]),
  });
  const forwarder = await new TcpForwarder(guessAddress, 993, dovecot.ports.imaps).start();
  await dns.start({
    a: { 'autoconfig.autoconfig-bench.test': webAddress, 'imap.guess.bench.test': guessAddress },
    srv: [{ service: '_imaps._tcp.srv.bench.test', target: 'localhost', port: dovecot.ports.imaps }],
  });
  const ca = readFileSync(dovecot.caFile, 'utf8');
  const rows: BenchSection['rows'] = [];
  try {
    for (const testCase of CASES) {
      context.progress(`P7: discovery from ${testCase.source}, ${rounds} rounds`);
      const times: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const started = performance.now();
        const outcome = await discover(testCase.address, { resolver: nameResolver({ servers: [dns.servers] }), ca, ispdbUrl: `https://ispdb.invalid/` });
        times.push(performance.now() - started);
        if (!outcome.found || outcome.discovery.source !== testCase.source) throw new Error(`P7: ${testCase.address} was not found by ${testCase.source}`);
      }
      const median = percentile(times, 50);
      rows.push({
        measure: `discovery by ${testCase.source} (in process, median of ${rounds})`,
        mailbeacon: `${ms(median)} (p90 ${ms(percentile(times, 90))})`,
        others: '',
        goal: testCase.goalMs ? `< ${testCase.goalMs} ms` : '',
        verdict: testCase.goalMs ? verdict(median < testCase.goalMs) : 'info',
        meaning: {
          builtin: 'The built-in list answers without touching the network.',
          srv: 'Four SRV queries and the other sources (autoconfig, ISPDB, MX) in parallel; the answer waits for the HTTPS sources that outrank it to fail.',
          autoconfig: 'One HTTPS fetch of config-v1.1.xml with a verified certificate, in parallel with the other sources.',
          guess: 'Every other source must fail first; then up to nine probes (TLS verified, greeting, capabilities) in parallel.',
        }[testCase.source],
      });
    }
    for (const testCase of CASES.filter((c) => c.source === 'srv' || c.source === 'autoconfig')) {
      context.progress(`P7: accounts add ${testCase.address}`);
      const result = await runCli(['accounts', 'add', testCase.address, '--yes', '--password-stdin', '--json', '--ca', dovecot.caFile,
        '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-bench-p7-'))], { env: { MAILBEACON_DNS_SERVERS: dns.servers, MAILBEACON_ISPDB_URL: 'https://ispdb.invalid/' }, stdin: `${PASSWORD}\n` });
      if (result.status !== 0) throw new Error(`P7: accounts add ${testCase.address} failed (${result.status}): ${result.stderr}`);
      rows.push({
        measure: `address → confirmed account, ${testCase.source} (\`accounts add ADDRESS --yes\`)`,
        mailbeacon: ms(result.ms),
        others: '',
        goal: '',
        verdict: 'info',
        meaning: 'The whole command as a user runs it: Node start-up, discovery, the probe, the verifying login over TLS and the keychain save.',
      });
    }
  } finally {
    await forwarder.stop();
    await web.stop();
    await dns.stop();
    await dovecot.dispose();
  }
  return {
    id: 'P7',
    title: 'adding an account from its address',
    method: 'A private dnsmasq serves SRV and A records for test domains, an HTTPS server (certificate from the test CA) serves the domain\'s autoconfig, '
      + 'and a forwarder puts the private Dovecot on port 993 of a guessed host name; all on loopback. `discover()` is timed in process; '
      + '`accounts add` as a child process. The central ISPDB is an unresolvable name (it fails at once, as when offline).',
    rows,
  };
}
