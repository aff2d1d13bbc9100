// The core's layers are enforced by lint (eslint.config.js, LAYER_MAP): every forbidden edge of the
// map fails, a few allowed ones pass, electron never enters src/, and only src/protocols/ may talk
// to imapflow or open sockets.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYER_MAP } from '../../eslint.config.js';

const eslint = new ESLint();

async function restricted(code: string, filePath: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

const forbiddenEdges = Object.entries(LAYER_MAP as Record<string, string[]>)
  .flatMap(([folder, forbidden]) => forbidden.map((above) => [folder, above] as const));

describe('layering lint', () => {
  it('has a map for every folder of the core', () => {
    expect(Object.keys(LAYER_MAP).sort()).toEqual(
      ['account', 'app', 'cli', 'detection', 'discovery', 'i18n', 'ipc', 'log', 'login-control', 'migration', 'oauth', 'protocols', 'runtime', 'secrets', 'settings', 'support', 'watch'],
    );
  });

  it.each(forbiddenEdges)('src/%s/ importing src/%s/ fails', async (folder, above) => {
    expect(await restricted(`import { x } from '../${above}/example.js';\nexport const y = x;\n`, `src/${folder}/example.ts`)).toBe(true);
    // Deeper files and type-only imports are held to the same rule.
    expect(await restricted(`import type { X } from '../../${above}/example.js';\nexport type Y = X;\n`, `src/${folder}/sub/example.ts`)).toBe(true);
  });

  it.each([
    ['watch', 'protocols'], ['watch', 'login-control'], ['migration', 'protocols'], ['app', 'watch'], ['cli', 'watch'],
    ['ipc', 'settings'], ['protocols', 'account'], ['settings', 'login-control'], ['discovery', 'protocols'], ['discovery', 'account'],
    ['cli', 'discovery'], ['app', 'discovery'], ['oauth', 'protocols'], ['oauth', 'secrets'], ['cli', 'oauth'], ['app', 'oauth'],
  ])('src/%s/ importing src/%s/ is allowed', async (folder, below) => {
    expect(await restricted(`import { x } from '../${below}/example.js';\nexport const y = x;\n`, `src/${folder}/example.ts`)).toBe(false);
  });

  it.each(['imapflow', 'node:net', 'node:tls', 'node:https', 'node:dns/promises'])('only src/protocols/ may import %s', async (module) => {
    const code = `import * as m from '${module}';\nexport const a = m;\n`;
    for (const folder of ['watch', 'migration', 'app', 'cli', 'login-control']) expect(await restricted(code, `src/${folder}/example.ts`)).toBe(true);
    expect(await restricted(code, 'src/protocols/example.ts')).toBe(false);
  });

  it.each([
    "import { app } from 'electron';\nexport const a = app;\n",
    "import Store from 'electron-store';\nexport const s = Store;\n",
    "import { ipcMain } from 'electron/main';\nexport const i = ipcMain;\n",
  ])('rejects %j anywhere under src/', async (code) => {
    for (const folder of ['protocols', 'watch', 'app']) expect(await restricted(code, `src/${folder}/example.ts`)).toBe(true);
    expect(await restricted(code, 'src/example.ts')).toBe(true);
  });

  it('allows electron in main/', async () => {
    expect(await restricted("import { app } from 'electron';\nexport const a = app;\n", 'main/example.ts')).toBe(false);
  });
});
