// Two agents and a browser inside a private network namespace (loopback only, multicast routed to
// lo), so that no mDNS packet leaves this machine. Needs root for `unshare -n`.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentCommand, newDataDir, repoRoot } from '../helpers/agent-process.js';
import { requireRoot } from '../helpers/require-root.js';

const dirs = [newDataDir('ef-mdns-a-'), newDataDir('ef-mdns-b-'), newDataDir('ef-mdns-c-')];

// Plain CommonJS run by node inside the namespace: browse until both agents are seen with TXT.
const browse = `
const Bonjour = require('bonjour-service');
const b = new Bonjour();
const seen = new Map();
const done = (code) => { console.log('EF_BROWSE ' + JSON.stringify([...seen.values()])); b.destroy(); process.exit(code); };
b.find({ type: 'edgefleet' }, (s) => {
  if (s.txt && s.txt.id) seen.set(s.txt.id, { name: s.name, port: s.port, txt: s.txt });
  if (seen.size >= 2) setTimeout(() => done(0), 300);
});
setTimeout(() => done(1), 20000);
`;

// ESM run with tsx's loader inside the namespace: deploy to an advertised agent, watch its TXT change.
const updates = `
import Bonjour from 'bonjour-service';
import { pairWith, sampleModel, signed, startAgent } from './test/helpers/agent-process.ts';
const agent = await startAgent({ mdns: true, name: 'gamma', dataDir: process.env.EF_DATA_DIR });
const b = new Bonjour();
const seen = [];
const browser = b.find({ type: 'edgefleet' });
for (const ev of ['up', 'txt-update']) browser.on(ev, (s) => seen.push(s.txt));
const waitFor = async (pred) => { for (let i = 0; i < 100 && !seen.some(pred); i++) await new Promise((r) => setTimeout(r, 100)); };
await waitFor((t) => t.state === 'empty');
const { client, console: c } = await pairWith(agent);
await client.upload(sampleModel, signed(sampleModel, '7.1.0', c.privateKey));
await client.activate({ maxLatencyMs: 5000 });
await client.confirm();
await waitFor((t) => t.state === 'running');
console.log('EF_TXT ' + JSON.stringify(seen));
await agent.stop();
b.destroy();
process.exit(0);
`;

function inNamespace(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const setup = 'set -e; ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo; set +e';
  const child = spawn('unshare', ['-n', 'sh', '-c', `${setup}\n${script}`], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('agent mDNS advertisement', () => {
  beforeAll(() => requireRoot('unshare -n'));

  it('is discovered as _edgefleet._tcp with TXT records, two agents at once', { timeout: 60_000 }, async () => {
    const agents = dirs.slice(0, 2).map((d, i) => agentCommand(d, ['--port', '0', '--serve-port', '0', '--host', '127.0.0.1', '--name', ['alpha', 'beta'][i]]));
    const script = [
      ...agents.map((cmd, i) => `${cmd.map(quote).join(' ')} > ${quote(path.join(dirs[i], 'agent.log'))} 2>&1 & P${i}=$!`),
      `rc=0; ${quote(process.execPath)} -e ${quote(browse)} || rc=$?`,
      'kill $P0 $P1; wait $P0 $P1 || true',
      'exit $rc',
    ].join('\n');
    const { code, out } = await inNamespace(script);
    const line = /^EF_BROWSE (.*)$/m.exec(out);
    expect(line, out).not.toBeNull();
    expect(code, out).toBe(0);
    const services = (JSON.parse(line![1]) as { name: string; port: number; txt: Record<string, string> }[]).sort((a, b) => a.txt.name.localeCompare(b.txt.name));
    expect(services).toHaveLength(2);
    expect(services.map((s) => s.txt.name)).toEqual(['alpha', 'beta']);
    for (const s of services) {
      expect(s.txt).toMatchObject({ id: expect.stringMatching(/^ef-/), ver: expect.any(String), arch: process.arch, state: 'empty', model: '-', mver: '-' });
      expect(s.port).toBeGreaterThan(0);
    }
    expect(services[0].txt.id).not.toBe(services[1].txt.id);
  });

  it('updates its TXT record when the deployed model and state change', { timeout: 60_000 }, async () => {
    const { code, out } = await inNamespace(`exec ${quote(process.execPath)} --input-type=module --import tsx -e ${quote(updates)}`, { EF_DATA_DIR: dirs[2] });
    const line = /^EF_TXT (.*)$/m.exec(out);
    expect(line, out).not.toBeNull();
    expect(code, out).toBe(0);
    const seen = JSON.parse(line![1]) as Record<string, string>[];
    expect(seen[0]).toMatchObject({ name: 'gamma', state: 'empty', model: '-' });
    expect(seen.at(-1)).toMatchObject({ name: 'gamma', state: 'running', model: 'mobilenetv2-digits', mver: '7.1.0' });
  });
});
