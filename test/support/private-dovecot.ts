// A private Dovecot instance for tests, the demo and benchmarks: its own config, users, maildirs,
// TLS certificates (signed by a throw-away test CA) and log, all under one temp dir, listening on
// 127.0.0.1 high ports. Never touches the system instance.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, chownSync, renameSync, chmodSync, utimesSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOBODY_UID = 65534;
const NOGROUP_GID = 65534;

export interface DovecotPorts { imap: number; imaps: number; pop3: number; pop3s: number }

export interface PrivateDovecotOptions {
  /** `realistic` keeps Dovecot's growing auth-failure penalty; `fast` flattens it for tests that
   * are not about failures. */
  authPenalty?: 'realistic' | 'fast';
  /** Refuse (and announce APPENDLIMIT for) messages above this size, e.g. '5M', via the quota plugin. */
  maxMailSize?: string;
  /** More names for the server certificate (discovery tests give their test domains' hosts). */
  certificateNames?: string[];
  /** Accept OAuth2 (XOAUTH2 and OAUTHBEARER), each token checked by introspection at this URL. */
  oauth2IntrospectionUrl?: string;
  /** Offer only these OAuth2 mechanisms (default both), to exercise a client's fallback. */
  oauth2Mechanisms?: Array<'xoauth2' | 'oauthbearer'>;
}

export function dovecotInstalled(): boolean {
  return existsSync('/usr/sbin/dovecot') && existsSync('/usr/lib/dovecot/imap') && existsSync('/usr/lib/dovecot/pop3');
}

export const DOVECOT_INSTALL_HINT = 'Dovecot is needed: sudo apt-get install -y dovecot-imapd dovecot-pop3d openssl';

/**
 * A free port below the kernel's ephemeral range (32768–60999 on Linux): the tests restart Dovecot
 * on the same ports, and a port from that range can be taken in between by any outgoing
 * connection's local end, which Dovecot's bind then fails on.
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port for the private Dovecot');
}

/** Waits for the server's greeting rather than for the port: Dovecot drops a too-early connection. */
async function waitForGreeting(port: number, prefix: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 0; attempt < 200 && Date.now() < until; attempt += 1) {
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
      socket.setTimeout(500, () => done(false));
      socket.once('data', (data) => done(data.toString('latin1').startsWith(prefix)));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`private Dovecot did not greet on port ${port}`);
}

function makeTestCertificates(dir: string, extraNames: string[] = []): void {
  const run = (args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }); };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Mailbeacon Test CA',
    '-keyout', 'ca.key', '-out', 'ca.crt', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
  const names = ['DNS:localhost', 'IP:127.0.0.1', ...extraNames.map((name) => `DNS:${name}`)].join(',');
  writeFileSync(join(dir, 'server.ext'), `subjectAltName=${names}\nextendedKeyUsage=serverAuth\n`);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-out', 'server.crt', '-extfile', 'server.ext']);
  // A second, unrelated CA: a certificate signed by it is "untrusted" for a client given ca.crt.
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Someone Else CA',
    '-keyout', 'other-ca.key', '-out', 'other-ca.crt']);
}

export class PrivateDovecot {
  readonly dir: string;
  ports!: DovecotPorts;
  private process: ChildProcess | undefined;
  private readonly users = new Map<string, string>();
  private deliveries = 0;
  private usersMtime = 0;

  constructor(private readonly options: PrivateDovecotOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'mailbeacon-dovecot-'));
    // Dovecot's auth process runs as its own user and must reach the passwd-file.
    chmodSync(this.dir, 0o755);
    mkdirSync(join(this.dir, 'mail'));
    chownSync(join(this.dir, 'mail'), NOBODY_UID, NOGROUP_GID);
    makeTestCertificates(this.dir, options.certificateNames);
  }

  /** The CA that signed the server certificate, to hand to clients as `--ca`. */
  get caFile(): string { return join(this.dir, 'ca.crt'); }
  /** The test CA's key, to issue more certificates under the same CA (an HTTPS test server). */
  get caKeyFile(): string { return join(this.dir, 'ca.key'); }
  /** A CA that did not sign it: with this one the server certificate is untrusted. */
  get otherCaFile(): string { return join(this.dir, 'other-ca.crt'); }
  get logFile(): string { return join(this.dir, 'dovecot.log'); }
  /** For Dovecot's own tools against this instance: `doveadm -c`, `dovecot-lda -c`. */
  get configFile(): string { return join(this.dir, 'dovecot.conf'); }

  async start(): Promise<this> {
    if (!dovecotInstalled()) throw new Error(DOVECOT_INSTALL_HINT);
    if (!this.ports) {
      this.ports = { imap: await freePort(), imaps: await freePort(), pop3: await freePort(), pop3s: await freePort() };
    }
    writeFileSync(join(this.dir, 'dovecot.conf'), this.config());
    if (this.options.oauth2IntrospectionUrl) {
      // Every token is introspected (no cache): a revoked token is refused at once.
      writeFileSync(join(this.dir, 'dovecot-oauth2.conf.ext'), `introspection_mode = post
introspection_url = ${this.options.oauth2IntrospectionUrl}
username_attribute = sub
active_attribute = active
active_value = true
force_introspection = yes
`, { mode: 0o644 });
    }
    this.writeUsers();
    // A stale anvil-auth-penalty socket from an earlier run adds seconds to every login.
    rmSync(join(this.dir, 'run'), { recursive: true, force: true });
    this.process = spawn('/usr/sbin/dovecot', ['-F', '-c', join(this.dir, 'dovecot.conf')], {
      detached: true, stdio: 'ignore',
    });
    await waitForGreeting(this.ports.imap, '* OK', 10_000);
    await waitForGreeting(this.ports.pop3, '+OK', 10_000);
    return this;
  }

  /** Stops the whole process group: SIGTERM to the master alone leaves logged-in sessions behind. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.pid === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Before start(): adds a user or sets a password. While the instance runs use `changeUser`,
   * which waits until Dovecot is sure to see the change. */
  setUser(user: string, password: string): void {
    if (this.process) throw new Error('PrivateDovecot.setUser while running: use `await changeUser(...)` so the next login sees the change');
    this.storeUser(user, password);
  }

  /** Adds a user or changes a password at any time. Dovecot's auth process looks at the passwd-file
   * at most once per second of its clock (a lookup in the same second as the previous one skips the
   * stat), so a login in the second of the edit may not see it: this resolves once that second is
   * over (at once before start()). */
  async changeUser(user: string, password: string): Promise<void> {
    this.storeUser(user, password);
    if (!this.process) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 20));
  }

  private storeUser(user: string, password: string): void {
    this.users.set(user, password);
    this.writeUsers();
    for (const sub of ['', 'cur', 'new', 'tmp']) {
      const path = join(this.mailDir(user), sub);
      mkdirSync(path, { recursive: true });
      chownSync(path, NOBODY_UID, NOGROUP_GID);
    }
  }

  mailDir(user: string): string { return join(this.dir, 'mail', user); }

  /** Before start(): accept OAuth2 tokens checked at this introspection URL (the provider's CA is
   * this instance's, so the provider can only start after the instance exists). */
  acceptOAuth2(introspectionUrl: string, mechanisms?: Array<'xoauth2' | 'oauthbearer'>): void {
    this.options.oauth2IntrospectionUrl = introspectionUrl;
    if (mechanisms) this.options.oauth2Mechanisms = mechanisms;
  }

  private get oauthMechanisms(): string { return (this.options.oauth2Mechanisms ?? ['xoauth2', 'oauthbearer']).join(' '); }

  /** Drops a message straight into the user's maildir: it appears to IMAP and POP3 at once. */
  deliver(user: string, message: Buffer | string, options: { seen?: boolean } = {}): string {
    this.deliveries += 1;
    const name = `${1_700_000_000 + this.deliveries}.M${this.deliveries}P${process.pid}.mailbeacon`;
    const tmp = join(this.mailDir(user), 'tmp', name);
    writeFileSync(tmp, message);
    chownSync(tmp, NOBODY_UID, NOGROUP_GID);
    const final = options.seen ? join(this.mailDir(user), 'cur', `${name}:2,S`) : join(this.mailDir(user), 'new', name);
    renameSync(tmp, final);
    return final;
  }

  /** Dovecot's own count of failed logins, from its log (`auth_verbose = yes`); of one user if given. */
  authFailures(user?: string): number {
    if (!existsSync(this.logFile)) return 0;
    const lines = readFileSync(this.logFile, 'utf8').split('\n').filter((line) => line.includes('Password mismatch'));
    return user === undefined ? lines.length : lines.filter((line) => line.includes(`passwd-file(${user},`)).length;
  }

  private writeUsers(): void {
    const lines = [...this.users].map(([user, password]) => `${user}:{PLAIN}${password}\n`).join('');
    // Atomic replace: Dovecot re-reads the file on change and must never see it half written.
    const tmp = join(this.dir, 'users.tmp');
    writeFileSync(tmp, lines, { mode: 0o644 });
    // Dovecot notices a changed passwd-file by its mtime in whole seconds: two edits within one
    // second would look unchanged, so every edit gets a later second than the one before.
    this.usersMtime = Math.max(Math.floor(Date.now() / 1000), this.usersMtime + 1);
    utimesSync(tmp, this.usersMtime, this.usersMtime);
    renameSync(tmp, join(this.dir, 'users'));
  }

  private config(): string {
    const d = this.dir;
    const penalty = this.options.authPenalty === 'fast'
      ? 'auth_failure_delay = 0\nservice anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n'
      : '';
    return `base_dir = ${d}/run
state_dir = ${d}/state
log_path = ${d}/dovecot.log
info_log_path = ${d}/dovecot.log
instance_name = mailbeacon-${d.split('-').pop()}
listen = 127.0.0.1
protocols = imap pop3
ssl = yes
ssl_cert = <${d}/server.crt
ssl_key = <${d}/server.key
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login${this.options.oauth2IntrospectionUrl ? ` ${this.oauthMechanisms}` : ''}
auth_verbose = yes${this.options.oauth2IntrospectionUrl ? '\nauth_cache_size = 0' : ''}
mail_location = maildir:${d}/mail/%u
pop3_uidl_format = %08Xv%08Xu
mail_max_userip_connections = 200
# Room for P4's 100 accounts in IDLE: each TLS client holds an imap-login and an imap process.
default_process_limit = 500
default_client_limit = 5000
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${d}/users
}
${this.options.oauth2IntrospectionUrl ? `passdb {
  driver = oauth2
  mechanisms = ${this.oauthMechanisms}
  args = ${d}/dovecot-oauth2.conf.ext
}
` : ''}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${d}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.ports.imap}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${this.ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${this.ports.pop3}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${this.ports.pop3s}
    ssl = yes
  }
}
${penalty}${this.options.maxMailSize ? `mail_plugins = $mail_plugins quota
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_max_mail_size = ${this.options.maxMailSize}
}
` : ''}`;
  }
}
