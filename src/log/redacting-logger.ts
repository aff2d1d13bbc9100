// The one log sink. Redaction happens here, once, for every line: by key (anything named like a
// secret) and by value (every secret currently held in memory), so a library that logs a whole
// options object or a raw protocol line still cannot leak a password.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(entry: object | string): void;
  info(entry: object | string): void;
  warn(entry: object | string): void;
  error(entry: object | string): void;
}

const SECRET_KEYS = /pass(word)?|secret|token|auth|credential|pwd/i;
const REDACTED = '[redacted]';

/** Secrets in memory right now: registered when read from the keychain, stdin or the environment. */
export class SecretRegistry {
  private readonly values = new Set<string>();

  add(secret: string): void {
    if (secret.length > 0) this.values.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.values) {
      out = out.split(secret).join(REDACTED);
      // SASL PLAIN and friends put it on the wire base64-encoded.
      const encoded = Buffer.from(secret, 'utf8').toString('base64');
      if (encoded.length >= 4) out = out.split(encoded).join(REDACTED);
    }
    return out;
  }
}

/** Every value under a key named like a secret replaced, however deep (six levels). */
export function redactKeys(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactKeys(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) && item !== undefined && typeof item !== 'boolean' ? REDACTED : redactKeys(item, depth + 1);
  }
  return out;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: {
  secrets: SecretRegistry;
  minLevel: LogLevel;
  write: (line: string) => void;
  context?: Record<string, unknown>;
}): Logger {
  const log = (level: LogLevel, entry: object | string): void => {
    if (ORDER[level] < ORDER[options.minLevel]) return;
    const body = typeof entry === 'string' ? { msg: entry } : redactKeys(entry);
    let line: string;
    try {
      line = JSON.stringify({ level, ...options.context, ...(body as object) });
    } catch {
      line = JSON.stringify({ level, msg: '[unserialisable log entry]' });
    }
    options.write(options.secrets.redact(line));
  };
  return {
    debug: (entry) => log('debug', entry),
    info: (entry) => log('info', entry),
    warn: (entry) => log('warn', entry),
    error: (entry) => log('error', entry),
  };
}
