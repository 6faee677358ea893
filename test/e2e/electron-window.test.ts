// The real Electron window, driven by Playwright. Runs where the Electron runtime is installed;
// on offline machines (these CI hosts cannot download it) it reports itself skipped with the reason.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function electronRuntime(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const runtime = electronRuntime();
const reason = 'skipped: the Electron runtime is not installed here (offline machine; `node node_modules/electron/install.js` fetches it)';
if (!runtime) console.warn(`Electron window test ${reason}`);

describe.skipIf(!runtime)(`Electron window${runtime ? '' : ` (${reason})`}`, () => {
  it('opens a hardened window that talks to the core over the typed IPC bridge', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ef-electron-'));
    const app = await _electron.launch({ executablePath: runtime!, args: [root, '--home', home], cwd: root });
    try {
      const page = await app.firstWindow();
      await page.getByTestId('nav-models').waitFor();
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0].webContents as unknown as { getLastWebPreferences(): Record<string, unknown> };
        return wc.getLastWebPreferences();
      });
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      const info = await page.evaluate(() =>
        (window as unknown as { edgefleet: { invoke(c: string, i: unknown): Promise<unknown> } }).edgefleet.invoke('app.info', {}),
      );
      expect(info).toMatchObject({ ok: true, result: { mode: 'electron', home } });
      const bad = await page.evaluate(() =>
        (window as unknown as { edgefleet: { invoke(c: string, i: unknown): Promise<unknown> } }).edgefleet.invoke('models.get', {}),
      );
      expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      mkdirSync(join(root, 'test-output', 'e2e'), { recursive: true });
      await page.screenshot({ path: join(root, 'test-output', 'e2e', 'electron-window.png') });
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
