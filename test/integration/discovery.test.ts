// Discovery against real parts: dnsmasq serving SRV, MX and A records for test domains, an HTTPS
// (and HTTP) server with a certificate from the test CA serving autoconfig and ISPDB documents,
// and the private Dovecot as the server found — through the built `mailbeacon` CLI.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { autoconfigXml, issueCertificate, randomLoopbackAddress, TcpForwarder, TestDns, TestWebServer } from '../support/test-network.js';
import { readFileSync } from 'node:fs';

const PASSWORD = 'discovered-password';
const state = (): string => mkdtempSync(join(tmpdir(), 'mailbeacon-discovery-'));

describe('discovery: address → server', () => {
  const web = randomLoopbackAddress();
  const guessHost = randomLoopbackAddress();
  const mismatchHost = randomLoopbackAddress();
  const dovecot = new PrivateDovecot({ authPenalty: 'fast', certificateNames: ['imap.gamma.test', 'mail.srv-only.test'] });
  const dns = new TestDns();
  let server: TestWebServer;
  const forwarders: TcpForwarder[] = [];
  let env: NodeJS.ProcessEnv;
  const imaps = (): number => dovecot.ports.imaps;

  beforeAll(async () => {
    for (const user of ['alice@alpha.test', 'bob@beta.test', 'carol@plain.test']) dovecot.setUser(user, PASSWORD);
    await dovecot.start();
    const names = ['autoconfig.beta.test', 'wellknown.test', 'autoconfig.plain.test', 'ispdb.central.test', 'autoconfig.slow.test', 'autoconfig.liar.test',
      'autoconfig.precedence.test'];
    server = await new TestWebServer(web, issueCertificate(dovecot.caFile, dovecot.caKeyFile, names)).start();
    const a: Record<string, string> = Object.fromEntries(names.map((name) => [name, web]));
    a['imap.gamma.test'] = guessHost;
    a['imap.delta.test'] = mismatchHost;
    a['mail.srv-only.test'] = '127.0.0.1';
    await dns.start({
      a,
      srv: [
        { service: '_imaps._tcp.alpha.test', target: 'localhost', port: imaps(), priority: 0, weight: 1 },
        { service: '_pop3s._tcp.alpha.test', target: 'localhost', port: dovecot.ports.pop3s },
        { service: '_imap._tcp.alpha.test' }, // "." : not offered
        { service: '_imaps._tcp.srv-only.test', target: 'mail.srv-only.test', port: imaps(), priority: 10 },
        { service: '_imaps._tcp.srv-only.test', target: 'unreachable.srv-only.test', port: imaps(), priority: 20 },
        { service: '_imaps._tcp.precedence.test', target: 'srv.precedence.test', port: imaps() },
        { service: '_imaps._tcp.slow.test', target: 'localhost', port: imaps() },
        { service: '_imaps._tcp.liar.test', target: 'localhost', port: imaps() },
      ],
      mx: [
        { domain: 'corp.test', host: 'mxbiz1.qq.com' },
        { domain: 'hosted.test', host: 'mx1.mailhost.test' },
      ],
    });
    const xml = (host: string, port: number, type: 'imap' | 'pop3' = 'imap') => autoconfigXml([{ type, host, port, socketType: 'SSL' }]);
    server.answer('https://autoconfig.beta.test/mail/config-v1.1.xml', { body: xml('localhost', imaps()) });
    server.answer('https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml', { body: xml('localhost', imaps()) });
    server.answer('http://autoconfig.plain.test/mail/config-v1.1.xml', { body: xml('localhost', imaps()) });
    server.answer('https://ispdb.central.test/v1.1/ispdb.test', { body: xml('imap.ispdb.test', 993) });
    server.answer('https://ispdb.central.test/v1.1/mailhost.test', { body: xml('imap.mailhost.test', 993) });
    server.answer('https://autoconfig.precedence.test/mail/config-v1.1.xml', { body: xml('autoconfig-wins.precedence.test', 993) });
    server.answer('https://autoconfig.slow.test/mail/config-v1.1.xml', { stall: true });
    // A liar: megabytes of "XML", then a document naming a host with a path in it.
    server.answer('https://autoconfig.liar.test/mail/config-v1.1.xml', { body: `<clientConfig>${'<x/>'.repeat(1_000_000)}</clientConfig>` });
    server.answer('http://autoconfig.liar.test/mail/config-v1.1.xml', { body: xml('evil.test/../x', 993) });
    forwarders.push(await new TcpForwarder(guessHost, 993, imaps()).start(), await new TcpForwarder(mismatchHost, 993, imaps()).start());
    env = { MAILBEACON_DNS_SERVERS: dns.servers, MAILBEACON_ISPDB_URL: 'https://ispdb.central.test/v1.1/' };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(forwarders.map((forwarder) => forwarder.stop()));
    await server?.stop();
    await dns.stop();
    await dovecot.dispose();
  });

  const discover = (address: string, extra: string[] = []) => runCli(['discover', address, '--json', '--ca', dovecot.caFile, ...extra], { env });

  it('a built-in provider answers without the network, with its hint in both languages', async () => {
    // A DNS server that does not exist: the built-in list must not need one.
    const result = await runCli(['discover', 'someone@qq.com', '--json'], { env: { ...env, MAILBEACON_DNS_SERVERS: '127.0.0.1:9' } });
    expect(result.status).toBe(0);
    const event = result.events[0]!;
    expect(event).toMatchObject({ event: 'discovered', source: 'builtin', trusted: true });
    expect(event.incoming).toEqual([
      { url: 'imaps://someone%40qq.com@imap.qq.com:993', auth: 'authorization-code' },
      { url: 'pop3s://someone%40qq.com@pop.qq.com:995', auth: 'authorization-code' },
    ]);
    expect((event.hint as { en: string }).en).toMatch(/authorization code .*not your QQ password/);
    expect((event.hint as Record<string, string>)['zh-CN']).toMatch(/授权码/);
    const human = await runCli(['discover', 'someone@qq.com'], { env: { ...env, LANG: 'zh_CN.UTF-8' } });
    expect(human.stdout).toContain('imaps://someone%40qq.com@imap.qq.com:993');
    expect(human.stdout).toMatch(/hint: .*授权码/);
  });

  it('DNS SRV: best record per service, "." not offered, untrusted', async () => {
    const result = await discover('alice@alpha.test');
    expect(result.status).toBe(0);
    expect(result.events[0]).toMatchObject({
      event: 'discovered', source: 'srv', trusted: false,
      incoming: [
        { url: `imaps://alice%40alpha.test@localhost:${imaps()}`, auth: 'password' },
        { url: `pop3s://alice%40alpha.test@localhost:${dovecot.ports.pop3s}`, auth: 'password' },
      ],
    });
    const ordered = await discover('x@srv-only.test');
    expect(ordered.events[0]!.incoming).toEqual([{ url: `imaps://x%40srv-only.test@mail.srv-only.test:${imaps()}`, auth: 'password' }]);
  });

  it('the domain\'s autoconfig over HTTPS (both places), trusted; over plain HTTP, untrusted', async () => {
    const beta = await discover('bob@beta.test');
    expect(beta.events[0]).toMatchObject({ source: 'autoconfig', trusted: true, incoming: [{ url: `imaps://bob%40beta.test@localhost:${imaps()}` }] });
    const asked = server.requests.find((request) => request.url.startsWith('https://autoconfig.beta.test/'));
    expect(asked?.url).toContain('emailaddress=bob%40beta.test');
    const wellKnown = await discover('w@wellknown.test');
    expect(wellKnown.events[0]).toMatchObject({ source: 'autoconfig', trusted: true, from: 'https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml' });
    // The test CA through NODE_EXTRA_CA_CERTS instead of --ca: still a verified HTTPS answer.
    const extraCa = await runCli(['discover', 'bob@beta.test', '--json'], { env: { ...env, NODE_EXTRA_CA_CERTS: dovecot.caFile } });
    expect(extraCa.events[0]).toMatchObject({ source: 'autoconfig', trusted: true });
    const plain = await discover('carol@plain.test');
    expect(plain.events[0]).toMatchObject({ source: 'autoconfig', trusted: false });
  });

  it('the central ISPDB by domain, and by the MX host\'s domain', async () => {
    const central = await discover('i@ispdb.test');
    expect(central.events[0]).toMatchObject({ source: 'ispdb', trusted: true, incoming: [{ url: 'imaps://i%40ispdb.test@imap.ispdb.test:993' }] });
    const hosted = await discover('h@hosted.test');
    expect(hosted.events[0]).toMatchObject({ source: 'mx', trusted: false, incoming: [{ url: 'imaps://h%40hosted.test@imap.mailhost.test:993' }] });
  });

  it('MX → a known provider (Tencent Exmail), with its hint, untrusted', async () => {
    const result = await discover('boss@corp.test');
    expect(result.events[0]).toMatchObject({
      source: 'mx', trusted: false, provider: 'Tencent Exmail (腾讯企业邮箱)',
      incoming: [{ url: 'imaps://boss%40corp.test@imap.exmail.qq.com:993', auth: 'password' }, { url: 'pop3s://boss%40corp.test@pop.exmail.qq.com:995' }],
    });
    expect((result.events[0]!.hint as Record<string, string>)['zh-CN']).toMatch(/客户端专用密码/);
  });

  it('precedence: the domain\'s HTTPS autoconfig outranks its SRV records', async () => {
    const result = await discover('p@precedence.test');
    expect(result.events[0]).toMatchObject({ source: 'autoconfig', incoming: [{ url: 'imaps://p%40precedence.test@autoconfig-wins.precedence.test:993' }] });
  });

  it('a stalled or lying autoconfig costs at most its step deadline; SRV still answers', async () => {
    const slow = await discover('s@slow.test');
    expect(slow.events[0]).toMatchObject({ source: 'srv' });
    expect(slow.ms).toBeLessThan(9_000);
    const liar = await discover('l@liar.test');
    expect(liar.status).toBe(0);
    expect(liar.events[0]).toMatchObject({ source: 'srv', incoming: [{ url: `imaps://l%40liar.test@localhost:${imaps()}` }] });
    expect(liar.peakRssBytes).toBeLessThan(160 * 1024 * 1024);
  }, 30_000);

  it('guessing: a probed host whose certificate names it is offered; one whose certificate does not is not', async () => {
    const guessed = await discover('g@gamma.test');
    expect(guessed.status).toBe(0);
    expect(guessed.events[0]).toMatchObject({ source: 'guess', trusted: false, incoming: [{ url: 'imaps://g%40gamma.test@imap.gamma.test:993' }] });
    const mismatch = await discover('d@delta.test');
    expect(mismatch.status).toBe(8);
    expect(mismatch.events[0]).toEqual({ event: 'not-discovered', address: 'd@delta.test', bestGuess: 'imaps://d%40delta.test@imap.delta.test:993' });
    // The probe sent no user name or password anywhere: Dovecot saw no login at all.
    expect(readFileSync(dovecot.logFile, 'utf8')).not.toMatch(/user=<[gd]@/);
  }, 30_000);

  it('nothing anywhere: exit 8 and the manual form\'s best guess, in words too', async () => {
    const result = await runCli(['discover', 'n@nothing.test', '--ca', dovecot.caFile], { env });
    expect(result.status).toBe(8);
    expect(result.stderr).toContain('no server settings found for n@nothing.test');
    expect(result.stderr).toContain('mailbeacon accounts add imaps://n%40nothing.test@imap.nothing.test:993');
  }, 30_000);

  it('bad input gets our words: not an address, bad DNS servers', async () => {
    const notAddress = await runCli(['discover', 'not-an-address'], { env });
    expect(notAddress.status).toBe(2);
    expect(notAddress.stderr).toContain('is not an email address');
    const badDns = await runCli(['discover', 'a@b.test'], { env: { MAILBEACON_DNS_SERVERS: 'dns.example:53' } });
    expect(badDns.status).toBe(2);
    expect(badDns.stderr).toContain('MAILBEACON_DNS_SERVERS');
  });

  it('accounts add ADDRESS: an HTTPS-autoconfig server is probed, logged in to and saved', async () => {
    const dir = state();
    const result = await runCli(['accounts', 'add', 'bob@beta.test', '--password-stdin', '--ca', dovecot.caFile, '--state', dir, '--json'],
      { env, stdin: `${PASSWORD}\n` });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.events.at(-1)).toMatchObject({ event: 'saved', account: `imaps://bob%40beta.test@localhost:${imaps()}`, verified: true });
    const listed = await runCli(['accounts', 'list', '--json', '--state', dir]);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ url: `imaps://bob%40beta.test@localhost:${imaps()}` })]);
  });

  it('accounts add ADDRESS: an untrusted answer needs --yes (nothing saved, no login, without it)', async () => {
    const dir = state();
    const failuresBefore = dovecot.authFailures();
    const refused = await runCli(['accounts', 'add', 'alice@alpha.test', '--password-stdin', '--ca', dovecot.caFile, '--state', dir],
      { env, stdin: `${PASSWORD}\n` });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('was not confirmed, nothing saved');
    expect(refused.stderr).toContain('not verified');
    expect((await runCli(['accounts', 'list', '--json', '--state', dir])).stdout.trim()).toBe('[]');
    expect(readFileSync(dovecot.logFile, 'utf8')).not.toContain('user=<alice@alpha.test>');
    const accepted = await runCli(['accounts', 'add', 'alice@alpha.test', '--yes', '--password-stdin', '--ca', dovecot.caFile, '--state', dir, '--json'],
      { env, stdin: `${PASSWORD}\n` });
    expect(accepted.status).toBe(0);
    expect(accepted.events.at(-1)).toMatchObject({ event: 'saved', account: `imaps://alice%40alpha.test@localhost:${imaps()}` });
    expect(dovecot.authFailures()).toBe(failuresBefore);
  });

  it('accounts add ADDRESS: a server that does not answer the probe gets no password', async () => {
    const dir = state();
    // The plain-HTTP answer names localhost:993, where nothing listens.
    server.answer('http://autoconfig.plain.test/mail/config-v1.1.xml', { body: autoconfigXml([{ type: 'imap', host: 'localhost', port: 1, socketType: 'SSL' }]) });
    const result = await runCli(['accounts', 'add', 'carol@plain.test', '--yes', '--password-stdin', '--ca', dovecot.caFile, '--state', dir],
      { env, stdin: `${PASSWORD}\n` });
    expect(result.status).toBe(4);
    expect(result.stderr).toContain('did not answer as a mail server should');
    expect(result.stderr).not.toContain(PASSWORD);
  });
});
