// _ssh._tcp and _workstation._tcp hosts show up as 'not provisioned' ssh candidates, inside a private
// network namespace (loopback only, multicast routed to lo) so that no packet leaves this machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { repoRoot } from '../helpers/agent-process.js';
import { requireRoot } from '../helpers/require-root.js';

const home = mkdtempSync(path.join(tmpdir(), 'ef-ssh-discovery-'));

const script = `
import { Bonjour } from 'bonjour-service';
import { createCore } from './electron/core/core.ts';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const core = createCore({ home: process.env.EF_HOME, mode: 'browser', discovery: true });
const host = new Bonjour();
host.publish({ name: 'line-3-box', type: 'ssh', port: 2222 });
host.publish({ name: 'qa-bench [00:11:22:33:44:55]', type: 'workstation', port: 9 });
const list = async () => (await core.call('devices.list', {})).result;
const end = Date.now() + 20000;
let rows = await list();
while (Date.now() < end && rows.filter((d) => d.transport === 'ssh').length < 2) { await sleep(100); rows = await list(); }
host.destroy();
await core.close();
console.log('EF_SSH_DISCOVERY ' + JSON.stringify(rows));
process.exit(0);
`;

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('mDNS SSH candidates', () => {
  beforeAll(() => requireRoot('unshare -n'));

  it('lists _ssh._tcp and _workstation._tcp hosts as discovered ssh devices, not paired', async () => {
    const setup = 'set -e; ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo; set +e';
    const cmd = `exec '${process.execPath}' --input-type=module --import tsx -e "$EF_SCRIPT"`;
    const child = spawn('unshare', ['-n', 'sh', '-c', `${setup}\n${cmd}`], { cwd: repoRoot, env: { ...process.env, EF_SCRIPT: script, EF_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    const line = /^EF_SSH_DISCOVERY (.*)$/m.exec(out);
    expect(line, out).not.toBeNull();
    const rows = (JSON.parse(line![1]) as DeviceSummary[]).filter((d) => d.transport === 'ssh');
    expect(rows.map((d) => [d.name, d.address.replace(/^[\d.]+:/, 'IP:'), d.state, d.paired]).sort()).toEqual([
      ['line-3-box', 'IP:2222', 'discovered', false],
      ['qa-bench', 'IP:22', 'discovered', false],
    ]);
  }, 60_000);
});
