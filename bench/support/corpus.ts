// Benchmark messages: plain headers and a base64-looking body of a chosen size, seeded so every run
// migrates the same bytes. CRLF line endings, as on the wire.
import { seeded } from '../../test/support/seeded-random.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function benchMessage(index: number, size: number, random: () => number = seeded(index + 1)): Buffer {
  const header = [
    `From: Sender ${index % 97} <sender${index % 97}@old.example>`,
    'To: user@new.example',
    `Subject: Benchmark message ${index}`,
    `Date: ${new Date(Date.UTC(2026, 0, 1) + index * 60_000).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <bench-${index}@old.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    '',
  ].join('\r\n');
  const bodySize = Math.max(0, size - header.length);
  const line = Array.from({ length: 76 }, () => ALPHABET[Math.floor(random() * 64)]).join('');
  const lines: string[] = [];
  let remaining = bodySize;
  // Lines rotate so bodies do not compress to nothing, cheaply: one random line, shifted. The last
  // line is cut to fit, so the message has exactly `size` bytes and still ends in CRLF.
  for (let i = 0; remaining > 2; i += 1) {
    const shift = i % 76;
    const text = `${line.slice(shift)}${line.slice(0, shift)}`.slice(0, Math.min(76, remaining - 2));
    lines.push(`${text}\r\n`);
    remaining -= text.length + 2;
  }
  return Buffer.concat([Buffer.from(header), Buffer.from(lines.join(''))]);
}

/** Sizes spread evenly on a log scale between `min` and `max` bytes (many small, some large). */
export function mixedSizes(count: number, min: number, max: number, seed = 2026): number[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => Math.round(min * (max / min) ** random()));
}
