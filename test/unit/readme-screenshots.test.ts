// README shows every screenshot the end-to-end run keeps in docs/screenshots/, and names none that
// is missing (`npm run screenshots` refreshes the files).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README screenshots', () => {
  it('match docs/screenshots/ both ways', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const named = new Set([...readme.matchAll(/docs\/screenshots\/([A-Za-z0-9@._-]+\.png)/g)].map((match) => match[1]!));
    const files = new Set(readdirSync(new URL('../../docs/screenshots/', import.meta.url)).filter((name) => name.endsWith('.png')));
    expect([...files].filter((file) => !named.has(file))).toEqual([]);
    expect([...named].filter((name) => !files.has(name))).toEqual([]);
  });
});
