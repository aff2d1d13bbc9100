// The core must stay plain Node: eslint rejects any import of electron under src/.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

describe('layering lint', () => {
  const eslint = new ESLint();

  it.each([
    "import { app } from 'electron';\nexport const a = app;\n",
    "import Store from 'electron-store';\nexport const s = Store;\n",
    "import { ipcMain } from 'electron/main';\nexport const i = ipcMain;\n",
  ])('rejects %j under src/', async (code) => {
    const [result] = await eslint.lintText(code, { filePath: 'src/protocols/example.ts' });
    expect(result!.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });

  it('allows electron in main/', async () => {
    const [result] = await eslint.lintText("import { app } from 'electron';\nexport const a = app;\n", { filePath: 'main/example.ts' });
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});
