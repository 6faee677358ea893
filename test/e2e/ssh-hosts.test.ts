// An SSH host in the browser console: a real sshd on loopback with a throwaway user; one host added by key
// (shown as an agentless ssh device), another added through the Fleet page's dialog by password and
// provisioned there, so that its agent joins the fleet as a paired device. Screenshots go to test-output/e2e.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, SshHost } from '../../electron/core/api/types.js';
import { startE2eConsole, type E2eConsole } from '../helpers/e2e-console.js';
import { freePort, startSshd, type Sshd } from '../helpers/sshd.js';

let c: E2eConsole;
let page: Page;
let sshd: Sshd;

async function api<R>(channel: string, input: unknown = {}): Promise<R> {
  const token = new URL(c.url).searchParams.get('token');
  const res = await fetch(new URL(`/api/${channel}`, c.url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const env = (await res.json()) as { ok: true; result: R } | { ok: false; error: { title: string; detail: string } };
  if (!env.ok) throw new Error(`${channel}: ${env.error.title}: ${env.error.detail}`);
  return env.result;
}

beforeAll(async () => {
  sshd = await startSshd();
  c = await startE2eConsole();
  page = c.page;
  await page.goto(c.url);
});

afterAll(async () => {
  const hosts = c ? await api<SshHost[]>('ssh.list').catch(() => []) : [];
  for (const h of hosts) if (h.provisioned) await api('ssh.uninstall', { id: h.id }).catch(() => undefined);
  await sshd?.stop();
  await c?.close();
}, 120_000);

describe('SSH hosts in the Fleet page', () => {
  it('adds a host by password in the dialog, provisions the agent, and shows both kinds of host', async () => {
    const first = await api<SshHost>('ssh.add', { host: '127.0.0.1', port: sshd.port, user: sshd.user, keyPath: sshd.keyPath, name: 'line-3-box' });
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('ssh-add-open').click();
    await page.getByTestId('ssh-host').fill('localhost');
    await page.getByTestId('ssh-port').fill(String(sshd.port));
    await page.getByTestId('ssh-user').fill(sshd.user);
    await page.getByLabel('Password').first().check();
    await page.getByTestId('ssh-password').fill(sshd.password);
    await c.shot('ssh-add-dialog');
    await page.getByTestId('ssh-add-submit').click();
    await page.getByTestId('ssh-added').waitFor();
    expect(await page.getByTestId('ssh-added').textContent()).toContain(sshd.hostKeyFingerprint());
    await page.getByTestId('ssh-agent-port').fill(String(await freePort()));
    await page.getByTestId('ssh-serve-port').fill('0');
    await page.getByTestId('ssh-mdns').uncheck();
    await page.getByTestId('ssh-provision').click();
    await expect.poll(() => page.getByTestId('ssh-provision-progress').getAttribute('data-state'), { timeout: 150_000 }).toBe('succeeded');
    await c.shot('ssh-provisioned');
    await page.getByRole('button', { name: 'Close' }).click();

    const hosts = await api<SshHost[]>('ssh.list');
    const second = hosts.find((h) => h.host === 'localhost')!;
    expect(second.provisioned?.mode).toBe('background');
    const devices = await api<DeviceSummary[]>('devices.list');
    expect(devices.find((d) => d.id === first.id)).toMatchObject({ transport: 'ssh', paired: false });
    expect(devices.find((d) => d.id === second.deviceId)).toMatchObject({ transport: 'lan', paired: true });
    const rows = page.getByTestId('device-row');
    await expect.poll(() => rows.count()).toBe(2);
    await c.shot('fleet-ssh-hosts');
    expect(c.pageErrors).toEqual([]);
  }, 180_000);
});
