import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tlsOptions } from '../../src/protocols/tls-options.js';
import { issueCertificate } from '../support/test-network.js';

// Any two real certificates serve as "extra CAs" for identity checks; verification itself is
// exercised against Dovecot with its test CA in test/integration.
const [CA_ONE, CA_TWO] = [rootCertificates[0]!, rootCertificates[1]!];

describe('tlsOptions', () => {
  it('verifies by default, TLS 1.2 at least, no SNI for an IP address', () => {
    const options = tlsOptions('127.0.0.1');
    expect(options.rejectUnauthorized).toBe(true);
    expect(options.minVersion).toBe('TLSv1.2');
    expect(options.servername).toBeUndefined();
    expect(options.secureContext).toBeUndefined();
    expect(tlsOptions('imap.example.com').servername).toBe('imap.example.com');
  });

  it('builds one secure context per extra CA and shares it between connections', () => {
    const a = tlsOptions('127.0.0.1', CA_ONE).secureContext;
    const b = tlsOptions('localhost', CA_ONE).secureContext;
    const c = tlsOptions('127.0.0.1', CA_TWO).secureContext;
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('a pinned certificate turns chain verification off (the fingerprint is checked instead)', () => {
    expect(tlsOptions('127.0.0.1', undefined, 'AB:CD').rejectUnauthorized).toBe(false);
  });
});

describe('what a context with an extra CA trusts', () => {
  // Three CAs: "site" stands for what Node trusts by default (given to the process as
  // NODE_EXTRA_CA_CERTS, as an administrator would, since no public root signs a test certificate),
  // "account" for the account's own CA, "stranger" for anyone else. Checked in a fresh Node, which
  // reads NODE_EXTRA_CA_CERTS at start, over real TLS handshakes on loopback.
  it("the account's CA and everything Node trusts by default, nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-trust-'));
    const ca = (name: string): { cert: string; key: string } => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=Mailbeacon ${name} CA`,
        '-keyout', `${name}.key`, '-out', `${name}.crt`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { cwd: dir, stdio: 'ignore' });
      return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
    };
    const servers = Object.fromEntries(['site', 'account', 'stranger'].map((name) => {
      const authority = ca(name);
      return [name, issueCertificate(authority.cert, authority.key, ['localhost'])];
    }));
    const module = pathToFileURL(join(process.cwd(), 'dist/src/protocols/tls-options.js')).href;
    const probe = `import { createServer, connect } from 'node:tls';
      import { readFileSync } from 'node:fs';
      const { tlsOptions } = await import(${JSON.stringify(module)});
      const servers = ${JSON.stringify(servers)};
      const accountCa = readFileSync(${JSON.stringify(join(dir, 'account.crt'))}, 'utf8');
      const answers = {};
      for (const [name, identity] of Object.entries(servers)) {
        const server = createServer(identity, (socket) => socket.end());
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        answers[name] = await new Promise((resolve) => {
          const socket = connect({ ...tlsOptions('localhost', accountCa), host: '127.0.0.1', port: server.address().port }, () => { socket.destroy(); resolve('trusted'); });
          socket.on('error', (error) => resolve(error.code));
        });
        server.close();
      }
      console.log(JSON.stringify(answers));`;
    const answers = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'site.crt') },
    })) as Record<string, string>;
    expect(answers).toEqual({ site: 'trusted', account: 'trusted', stranger: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});
