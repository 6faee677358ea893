// A real `edgefleet serve` in a fresh home, driven by Debian's Chromium: what every e2e file starts with.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Job } from '../../electron/core/api/types.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const shotsDir = join(root, 'test-output', 'e2e');

export interface E2eConsole {
  home: string;
  /** The console URL with its token. */
  url: string;
  page: Page;
  browser: Browser;
  serve: ChildProcess;
  /** Errors the page logged or threw; a test asserts it stays empty. */
  pageErrors: string[];
  shot(name: string): Promise<void>;
  /** A request to the console's HTTP API with its session token, as a script would make it; an error envelope throws. */
  api<R>(channel: string, input?: unknown): Promise<R>;
  /** Waits for a job to succeed; a failed or cancelled one throws with its error. */
  finished(jobId: string): Promise<Job>;
  /** Picks the nth option of a native select whose label matches, once the page has loaded that many. */
  pickOption(testId: string, label: RegExp, nth?: number): Promise<void>;
  close(): Promise<void>;
}

export interface E2eConsoleOptions {
  /** Extra `serve` arguments. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** An existing home (kept on close); a fresh temporary one otherwise. */
  home?: string;
  viewport?: { width: number; height: number };
}

export async function startE2eConsole(opts: E2eConsoleOptions = {}): Promise<E2eConsole> {
  mkdirSync(shotsDir, { recursive: true });
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'ef-e2e-'));
  const serve = spawn(process.execPath, [join(root, 'scripts', 'edgefleet.js'), 'serve', '--home', home, ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, EDGEFLEET_DISCOVERY: 'off', ...opts.env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    serve.stdout!.on('data', (d) => {
      text += d;
      const m = /EdgeFleet console: (\S+)/.exec(text);
      if (m) resolve(m[1]);
    });
    serve.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1440, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  async function api<R>(channel: string, input: unknown = {}): Promise<R> {
    const token = new URL(url).searchParams.get('token');
    const res = await fetch(new URL(`/api/${channel}`, url), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
    const env = (await res.json()) as { ok: true; result: R } | { ok: false; error: { title: string; detail: string } };
    if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
    return env.result;
  }
  return {
    home,
    url,
    page,
    browser,
    serve,
    pageErrors,
    shot: async (name) => {
      await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
    },
    api,
    finished: async (jobId) => {
      for (;;) {
        const j = await api<Job>('jobs.get', { id: jobId });
        if (j.state === 'succeeded') return j;
        if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`${j.title}: ${j.error?.title}: ${j.error?.detail}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    pickOption: async (testId, label, nth = 0) => {
      const select = page.getByTestId(testId);
      const matching = async () =>
        (await select.locator('option').evaluateAll((els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, label: e.textContent ?? '' })))).filter(
          (o) => o.value && label.test(o.label),
        );
      await expect.poll(async () => (await matching()).length, { message: `an option matching ${label} in ${testId}`, timeout: 30_000 }).toBeGreaterThan(nth);
      await select.selectOption((await matching())[nth].value);
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      serve.kill('SIGTERM');
      if (!opts.home) rmSync(home, { recursive: true, force: true });
    },
  };
}
