import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}/scripts/eslint.config.js` });

async function restrictedImports(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('architecture lint rules', () => {
  it('bans electron in core services', async () => {
    const msgs = await restrictedImports("import { app } from 'electron';\nexport const x = app;\n", 'electron/core/jobs/x.ts');
    expect(msgs.join()).toContain('Only the Electron shell');
  });

  it('bans electron and Node modules in the renderer', async () => {
    expect(await restrictedImports("import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", 'renderer/src/x.ts')).not.toEqual([]);
    expect(await restrictedImports("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'renderer/src/x.ts')).not.toEqual([]);
  });

  it('bans raw IPC in shell files other than the wrappers', async () => {
    const msgs = await restrictedImports("import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", 'electron/shell/menu.ts');
    expect(msgs.join()).toContain('raw IPC is banned');
    expect(await restrictedImports("import { app } from 'electron';\nexport const x = app;\n", 'electron/shell/menu.ts')).toEqual([]);
    expect(await restrictedImports("import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", 'electron/shell/ipc-bind.ts')).toEqual([]);
  });

  it('bans the CLI from importing electron', async () => {
    expect(await restrictedImports("import { app } from 'electron';\nexport const x = app;\n", 'electron/cli/main.ts')).not.toEqual([]);
  });

  it('keeps the device protocol free of the console and the agent, which both import it', async () => {
    expect((await restrictedImports("import { AppError } from '../../electron/core/api/errors.js';\nexport const x = AppError;\n", 'resources/device-protocol/x.ts')).join()).toContain('may not import the console or the agent');
    expect((await restrictedImports("import { x } from '../../agent/src/version.js';\nexport const y = x;\n", 'resources/device-protocol/serial/x.ts')).join()).toContain('may not import the console or the agent');
    expect(await restrictedImports("import { AppError } from '../error-data.js';\nexport const x = AppError;\n", 'resources/device-protocol/serial/x.ts')).toEqual([]);
    expect(await restrictedImports("import { deviceOps } from '../../device-protocol/messages.js';\nexport const x = deviceOps;\n", 'resources/agent/src/x.ts')).toEqual([]);
  });

  it('lets the renderer import only pure formatters from resources/', async () => {
    expect(await restrictedImports("import { shortFingerprint } from '../../../../resources/device-protocol/fingerprint-text.js';\nexport const x = shortFingerprint;\n", 'renderer/src/pages/fleet/x.tsx')).toEqual([]);
    expect(await restrictedImports("import { deviceOps } from '../../../../resources/device-protocol/messages.js';\nexport const x = deviceOps;\n", 'renderer/src/pages/fleet/x.tsx')).not.toEqual([]);
  });
});
