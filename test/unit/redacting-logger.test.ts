import { describe, expect, it } from 'vitest';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';

describe('the redacting log sink', () => {
  it('redacts by key, by value, and the base64 form SASL PLAIN puts on the wire', () => {
    const lines: string[] = [];
    const secrets = new SecretRegistry();
    secrets.add('hunter2-secret');
    const log = createLogger({ secrets, minLevel: 'debug', write: (line) => lines.push(line) });
    log.info({ auth: { user: 'me', pass: 'hunter2-secret' }, password: 'anything', nested: { accessToken: 'abc' } });
    log.warn(`raw line: PASS hunter2-secret`);
    log.debug({ line: `AUTH PLAIN ${Buffer.from('hunter2-secret').toString('base64')}` });
    const all = lines.join('\n');
    expect(all).not.toContain('hunter2-secret');
    expect(all).not.toContain('anything');
    expect(all).not.toContain('abc');
    expect(all).not.toContain(Buffer.from('hunter2-secret').toString('base64'));
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1]!)).toEqual({ level: 'warn', msg: 'raw line: PASS [redacted]' });
  });

  it('drops entries below the level', () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: new SecretRegistry(), minLevel: 'warn', write: (line) => lines.push(line) });
    log.debug('x');
    log.info('y');
    log.error('z');
    expect(lines).toEqual(['{"level":"error","msg":"z"}']);
  });
});
