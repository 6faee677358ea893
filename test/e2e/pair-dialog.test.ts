// The pair dialog in Chromium against a real `edgefleet serve` and a real agent: a fingerprint that
// does not match is refused before the code is sent, and after pairing the dialog shows the pinned
// certificate's short fingerprint with the trust-on-first-use warning. Screenshots go to test-output/e2e.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';

let c: E2eConsole;
let agent: AgentProcess;

const shortForm = (hex: string) => hex.slice(0, 16).toUpperCase().match(/.{4}/g)!.join(' ');

beforeAll(async () => {
  [agent, c] = await Promise.all([startAgent({ name: 'bench-board' }), startE2eConsole({ viewport: { width: 1280, height: 800 } })]);
  await c.page.goto(c.url);
});

afterAll(async () => {
  await c?.close();
  await agent?.stop();
});

describe('pair dialog', () => {
  it('refuses a wrong fingerprint, then pairs and shows the certificate fingerprint to compare', async () => {
    const { page } = c;
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('add-device-empty').click();
    await page.getByTestId('add-address').fill(`127.0.0.1:${agent.port}`);
    await page.getByTestId('add-submit').click();
    const dialog = page.getByTestId('pair-dialog');
    await expect.poll(() => dialog.isVisible(), { timeout: 30_000 }).toBe(true);

    const wrong = shortForm(createHash('sha256').update('not this device').digest('hex'));
    await page.getByTestId('pair-code').fill(agent.pairingCode!);
    await page.getByTestId('pair-fingerprint').fill(wrong);
    await page.getByTestId('pair-submit').click();
    await expect.poll(() => dialog.textContent(), { timeout: 30_000 }).toMatch(/the certificate does not match the fingerprint you gave/);
    expect(await dialog.textContent()).toContain(shortForm(agent.certFingerprint));
    await c.shot('pair-dialog-fingerprint-mismatch');

    await page.getByTestId('pair-fingerprint').fill('');
    await page.getByTestId('pair-submit').click();
    const shown = page.getByTestId('pair-fingerprint-shown');
    await expect.poll(() => shown.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await shown.textContent()).toBe(shortForm(agent.certFingerprint));
    expect(await page.getByTestId('pair-trust').textContent()).toContain('First pairing trusts this certificate: compare this fingerprint with the one the device shows');
    await c.shot('pair-dialog-paired');
    await page.getByTestId('pair-done').click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(c.pageErrors).toEqual([]);
  });
});
