// Site bundles end to end, in Chromium against two real `edgefleet serve` consoles with separate homes: a
// bundle made through the Create dialog on the connected console, carried as a folder, refused by the site
// console until its root fingerprint is given, then imported there with its plan wave shown and started.
// Screenshots go to test-output/e2e.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, ModelSummary } from '../../electron/core/api/types.js';
import { sampleModelPath } from '../helpers/agent-process.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';

let hq: E2eConsole;
let site: E2eConsole;
let work: string;
let model: ModelSummary;

/** A request to a console's HTTP API with its session token, as the CLI or a script would make it. */
async function api<R>(c: E2eConsole, channel: string, input: unknown = {}): Promise<R> {
  const token = new URL(c.url).searchParams.get('token');
  const res = await fetch(new URL(`/api/${channel}`, c.url), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
  const env = (await res.json()) as { ok: true; result: R } | { ok: false; error: { title: string; detail: string } };
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result;
}

async function finished(c: E2eConsole, job: Job): Promise<Job> {
  for (;;) {
    const j = await api<Job>(c, 'jobs.get', { id: job.id });
    if (j.state === 'succeeded') return j;
    if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`${j.title}: ${j.error?.title}: ${j.error?.detail}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The whole view: the shell scrolls inside the window, so the window is made taller for the shot. */
async function tallShot(c: E2eConsole, name: string): Promise<void> {
  await c.page.setViewportSize({ width: 1440, height: 1200 });
  await c.page.waitForTimeout(300);
  await c.shot(name);
  await c.page.setViewportSize({ width: 1440, height: 900 });
}

/** The view once a dialog's fade has ended. */
async function dialogShot(c: E2eConsole, name: string): Promise<void> {
  await c.page.waitForTimeout(400);
  await c.shot(name);
}

const openBundles = async (page: Page) => {
  await page.getByTestId('nav-bundles').click();
  await page.getByTestId('page-bundles').waitFor();
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ef-e2e-bundles-'));
  hq = await startE2eConsole();
  site = await startE2eConsole();
  const imported = await finished(hq, await api<Job>(hq, 'models.import', { path: sampleModelPath }));
  const { modelId } = imported.result as { modelId: string };
  model = (await api<ModelSummary[]>(hq, 'models.list')).find((m) => m.id === modelId)!;
  writeFileSync(join(work, 'PLAN.json'), JSON.stringify({ waves: [{ name: 'line 3', model: model.id, target: 'all', stages: [100], hold: true }] }));
  await hq.page.goto(hq.url);
  await site.page.goto(site.url);
}, 180_000);

afterAll(async () => {
  await hq?.close();
  await site?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('site bundles in the browser', () => {
  let fingerprint = '';
  const usb = () => join(work, 'usb', 'plant-7');

  it('creates a bundle through the dialog and shows the root fingerprint to pass on', async () => {
    const page = hq.page;
    await openBundles(page);
    await page.getByTestId('bundle-site-none').waitFor();
    await page.getByTestId('bundle-create').click();
    const dialog = page.getByTestId('bundle-create-dialog');
    await dialog.waitFor();
    await page.getByTestId('bundle-site-input').fill('plant-7');
    await page.getByTestId('bundle-models-input').click();
    await page.getByRole('option', { name: `${model.name} v${model.version}` }).click();
    // The list closes on a choice (Escape here would close the dialog); the choice shows as a chip.
    expect(await dialog.locator('.MuiChip-label').allTextContents()).toEqual([`${model.name} v${model.version}`]);
    await page.getByTestId('bundle-expires-input').fill('14');
    await page.getByTestId('bundle-plan-input').fill(join(work, 'PLAN.json'));
    mkdirSync(join(work, 'usb'), { recursive: true });
    await page.getByTestId('bundle-out-input').fill(usb());
    await dialogShot(hq, 'bundles-create-form');
    await page.getByTestId('bundle-create-submit').click();

    const fp = page.getByTestId('bundle-root-fingerprint');
    await fp.waitFor({ timeout: 60_000 });
    fingerprint = (await fp.textContent())!.trim();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await dialog.textContent()).toMatch(/first import needs that fingerprint, given by a channel other than the stick/);
    expect(await page.getByTestId('bundle-created-expires').textContent()).toMatch(/1[34]\.\d days left/);
    expect(await page.getByTestId('bundle-created-parts').textContent()).toMatch(/^1 part, /);
    // The parts really are in the folder, listed with their sums.
    expect(readdirSync(usb())).toEqual(expect.arrayContaining(['SHA256SUMS', 'bundle-info.json']));
    await dialogShot(hq, 'bundles-created');
    await page.getByTestId('bundle-create-done').click();
    expect(hq.pageErrors).toEqual([]);
  });

  it('refuses the bundle on the site console until the fingerprint is given, changing nothing', async () => {
    const page = site.page;
    await openBundles(page);
    await page.getByTestId('bundles-empty').waitFor();
    await page.getByTestId('bundle-import').click();
    await page.getByTestId('bundle-import-dir').fill(usb());
    await page.getByTestId('bundle-import-submit').click();
    const card = page.getByTestId('bundle-import-dialog').getByTestId('error-card');
    await card.waitFor({ timeout: 60_000 });
    expect(await card.getByTestId('error-title').textContent()).toMatch(/does not trust the bundle’s signer/);
    // The card names the fingerprint the bundle offers, to compare with the one given by another channel.
    expect(await card.getByTestId('error-detail').textContent()).toContain(fingerprint);
    const after = await api<{ site: unknown; bundles: unknown[] }>(site, 'bundles.list');
    expect(after).toEqual({ site: null, bundles: [] });
    await dialogShot(site, 'bundles-untrusted');
  });

  it('imports it with the fingerprint and shows the bundle with its wave', async () => {
    const page = site.page;
    await page.getByTestId('bundle-import-trust').fill(fingerprint);
    await page.getByTestId('bundle-import-submit').click();
    await page.getByTestId('bundle-import-dialog').waitFor({ state: 'hidden', timeout: 60_000 });
    expect(await page.getByTestId('bundle-import-notice').textContent()).toMatch(/^Imported bundle \S+ for site plant-7/);
    const row = page.getByTestId('bundle-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('td').nth(1).textContent()).toBe('plant-7');
    expect(await row.getByTestId('bundle-model').allTextContents()).toEqual([`${model.name} v${model.version}`]);
    expect(await row.getByTestId('bundle-expires').textContent()).toMatch(/1[34]\.\d days left/);
    const wave = row.getByTestId('bundle-wave');
    expect(await wave.getAttribute('data-status')).toBe('pending');
    expect(await wave.textContent()).toMatch(/Wave 1 “line 3”: .* → all · holds for a person after/);
    expect(await page.getByTestId('bundle-site-name').textContent()).toBe('plant-7');
    expect(await page.getByTestId('bundle-site-root').textContent()).toBe(fingerprint);
    await expect.poll(() => row.getByTestId('bundle-run').count()).toBe(1);
    await tallShot(site, 'bundles-imported');
  });

  it('runs the plan from the row', async () => {
    const page = site.page;
    const wave = page.getByTestId('bundle-wave');
    await page.getByTestId('bundle-run').click();
    // The site has no devices: the wave leaves pending either way, and the row says what became of it.
    await expect.poll(() => wave.getAttribute('data-status'), { timeout: 60_000 }).not.toBe('pending');
    const rec = (await api<{ bundles: { waves: { status: string; rolloutId: string | null; detail: string | null }[] }[] }>(site, 'bundles.list')).bundles[0].waves[0];
    expect(await wave.getAttribute('data-status')).toBe(rec.status);
    if (rec.rolloutId) expect(await wave.getByTestId('bundle-wave-rollout').getAttribute('href')).toBe(`#/rollouts/${rec.rolloutId}`);
    if (rec.detail) expect(await wave.getByTestId('bundle-wave-detail').textContent()).toBe(rec.detail);
    await tallShot(site, 'bundles-run');
    expect(site.pageErrors).toEqual([]);
  });

  it('carries the site report back: written at the site, imported at the connected console once its key is given', async () => {
    const out = join(work, 'usb', 'plant-7-report');
    await site.page.getByTestId('bundle-report').click();
    await site.page.getByTestId('bundle-report-out').fill(out);
    await site.page.getByTestId('bundle-report-submit').click();
    const key = site.page.getByTestId('bundle-report-key');
    await key.waitFor({ timeout: 60_000 });
    const keySha = (await key.textContent())!.trim();
    expect(keySha).toMatch(/^[0-9a-f]{64}$/);
    expect(await site.page.getByTestId('bundle-report-summary').textContent()).toMatch(/0 of 0 devices sent a signed report/);
    await dialogShot(site, 'bundles-report-written');

    const page = hq.page;
    await page.getByTestId('bundle-report-import').click();
    await page.getByTestId('bundle-report-import-dir').fill(out);
    await page.getByTestId('bundle-report-import-submit').click();
    // A report from a site this console has never trusted is refused until its key is given.
    const card = page.getByTestId('bundle-report-import-dialog').getByTestId('error-card');
    await card.waitFor({ timeout: 60_000 });
    await page.getByTestId('bundle-report-import-trust').fill(keySha);
    await page.getByTestId('bundle-report-import-submit').click();
    const done = page.getByTestId('bundle-report-imported');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toMatch(/^Imported report \S+ from site plant-7/);
    await dialogShot(hq, 'bundles-report-imported');
    expect(hq.pageErrors).toEqual([]);
  });
});
