// A small private Internet for discovery tests: a real DNS server (Debian's dnsmasq on a loopback
// high port) serving SRV, MX and A records for test domains; HTTPS (443) and HTTP (80) servers on
// a loopback address of the test's own (127.x.y.z, so test files never share a port), with a
// certificate from the private Dovecot's test CA; and TCP forwarders that put Dovecot on the
// standard mail ports of a guessed host name.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DNSMASQ = '/usr/sbin/dnsmasq';
export const DNSMASQ_INSTALL_HINT = 'dnsmasq is needed for the discovery tests: sudo apt-get install -y dnsmasq-base';

/** A loopback address of this test's own: 127.0.0.0/8 all reaches this machine on Linux. */
export function randomLoopbackAddress(): string {
  const byte = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low + 1));
  return `127.${byte(1, 250)}.${byte(0, 255)}.${byte(2, 250)}`;
}

export interface SrvRecordSpec { service: string; target?: string; port?: number; priority?: number; weight?: number }
export interface DnsRecords {
  /** `service` like `_imaps._tcp.example.test`; no target = "not offered" (".") */
  srv?: SrvRecordSpec[];
  mx?: Array<{ domain: string; host: string; preference?: number }>;
  /** name → IPv4 address */
  a?: Record<string, string>;
}

export class TestDns {
  port = 0;
  private process: ChildProcess | undefined;

  /** `127.0.0.1:port`, as MAILBEACON_DNS_SERVERS takes it. */
  get servers(): string { return `127.0.0.1:${this.port}`; }

  async start(records: DnsRecords): Promise<this> {
    if (!existsSync(DNSMASQ)) throw new Error(DNSMASQ_INSTALL_HINT);
    const args = [
      '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-poll', '--bind-interfaces',
      '--listen-address=127.0.0.1', '--pid-file=', '--log-facility=/dev/null',
    ];
    for (const srv of records.srv ?? []) {
      args.push(`--srv-host=${[srv.service, ...(srv.target === undefined ? [] : [srv.target, srv.port ?? 0, srv.priority ?? 0, srv.weight ?? 0])].join(',')}`);
    }
    for (const mx of records.mx ?? []) args.push(`--mx-host=${mx.domain},${mx.host},${mx.preference ?? 10}`);
    for (const [name, address] of Object.entries(records.a ?? {})) args.push(`--host-record=${name},${address}`);
    // A free UDP+TCP port: dnsmasq says so at once when it cannot bind, and we try another.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      // 10000–19999: apart from the private Dovecot's ports (20000–31999) and the ephemeral range.
      this.port = 10_000 + Math.floor(Math.random() * 10_000);
      const child = spawn(DNSMASQ, [...args, `--port=${this.port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (data: Buffer) => { stderr += data.toString(); });
      if (await this.ready(child)) {
        this.process = child;
        return this;
      }
      child.kill('SIGKILL');
      if (!/Address already in use/i.test(stderr)) throw new Error(`dnsmasq did not start: ${stderr}`);
    }
    throw new Error('dnsmasq found no free port');
  }

  private async ready(child: ChildProcess): Promise<boolean> {
    const resolver = new Resolver({ timeout: 200, tries: 1 });
    resolver.setServers([this.servers]);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if (child.exitCode !== null) return false;
      try {
        await resolver.resolve4('ready.invalid');
        return true;
      } catch (error) {
        // REFUSED (or NXDOMAIN) is an answer: the server is up.
        if (['EREFUSED', 'ENOTFOUND', 'ENODATA'].includes((error as NodeJS.ErrnoException).code ?? '')) return true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A certificate for `names`, signed by the CA at caCert/caKey: { key, cert } in PEM. */
export function issueCertificate(caCert: string, caKey: string, names: string[]): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-cert-'));
  try {
    const run = (args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }); };
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${names[0]}`, '-keyout', 'key.pem', '-out', 'req.csr']);
    writeFileSync(join(dir, 'ext'), `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
    run(['x509', '-req', '-in', 'req.csr', '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-CAserial', join(dir, 'serial'),
      '-days', '2', '-out', 'cert.pem', '-extfile', 'ext']);
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface WebAnswer {
  status?: number;
  body?: string;
  etag?: string;
  contentType?: string;
  /** Never answer (the connection stays open until the server stops). */
  stall?: boolean;
  /** Answer after this long. */
  delayMs?: number;
}

/** HTTPS on :443 and HTTP on :80 of one loopback address, answering per `scheme://host/path`. */
export class TestWebServer {
  readonly requests: Array<{ url: string; headers: IncomingMessage['headers'] }> = [];
  private readonly answers = new Map<string, WebAnswer>();
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(readonly address: string, private readonly tls: { key: string; cert: string }) {}

  /** `url` without a query: `https://autoconfig.beta.test/mail/config-v1.1.xml`. */
  answer(url: string, answer: WebAnswer): void { this.answers.set(url, answer); }

  async start(): Promise<this> {
    const handler = (scheme: string) => (request: IncomingMessage, response: ServerResponse): void => {
      const host = (request.headers.host ?? '').replace(/:\d+$/, '');
      const path = (request.url ?? '/').replace(/\?.*$/, '');
      const url = `${scheme}://${host}${path}`;
      this.requests.push({ url: `${scheme}://${host}${request.url ?? '/'}`, headers: request.headers });
      const answer = this.answers.get(url);
      if (!answer) { response.writeHead(404).end(); return; }
      if (answer.stall) return;
      const send = (): void => {
        if (answer.etag && request.headers['if-none-match'] === answer.etag) { response.writeHead(304, { etag: answer.etag }).end(); return; }
        response.writeHead(answer.status ?? 200, {
          'content-type': answer.contentType ?? 'application/xml', ...(answer.etag ? { etag: answer.etag } : {}),
        }).end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs); else send();
    };
    const https = createHttpsServer({ key: this.tls.key, cert: this.tls.cert }, handler('https'));
    const http = createHttpServer(handler('http'));
    for (const [server, port] of [[https, 443], [http, 80]] as const) {
      server.on('connection', (socket: Socket) => { this.sockets.add(socket); socket.on('close', () => this.sockets.delete(socket)); });
      await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, this.address, () => resolve()); });
      this.servers.push(server);
    }
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Listens on address:port and forwards every connection to 127.0.0.1:targetPort (TLS stays end to end). */
export class TcpForwarder {
  private server: TcpServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(readonly address: string, readonly port: number, readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createTcpServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => { this.server!.once('error', reject); this.server!.listen(this.port, this.address, () => resolve()); });
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }
}

/** A config-v1.1.xml document with these incoming servers. */
export function autoconfigXml(servers: Array<{ type: 'imap' | 'pop3'; host: string; port: number; socketType: string; username?: string; auth?: string }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="test">
    <displayName>Test provider</displayName>
${servers.map((server) => `    <incomingServer type="${server.type}">
      <hostname>${server.host}</hostname>
      <port>${server.port}</port>
      <socketType>${server.socketType}</socketType>
      <username>${server.username ?? '%EMAILADDRESS%'}</username>
      <authentication>${server.auth ?? 'password-cleartext'}</authentication>
    </incomingServer>`).join('\n')}
  </emailProvider>
</clientConfig>
`;
}
