// The agent's mDNS on networks that are not kind to it, between two private network namespaces joined
// by a veth pair (test/helpers/netns.ts): a LAN with no default and no multicast route, a UDP port 5353
// held by another program, and an independent DNS-SD client (python-zeroconf) resolving the agent.
// Needs root for `ip netns`; no packet leaves the namespaces.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { createLink, spawnIn, type NetnsHost, type NetnsLink } from '../helpers/netns.js';
import { requireRoot } from '../helpers/require-root.js';

beforeAll(() => requireRoot('ip netns'));

const links: NetnsLink[] = [];
const agents: AgentProcess[] = [];

afterAll(async () => {
  for (const a of agents) await a.stop();
  for (const l of links) l.destroy();
});

function link(multicast: { a: boolean; b: boolean }): NetnsLink {
  const l = createLink(multicast);
  links.push(l);
  return l;
}

async function agentIn(h: NetnsHost, name: string): Promise<AgentProcess> {
  const agent = await startAgent({ mdns: true, name, prefix: h.prefix, args: ['--host', '0.0.0.0'] });
  agents.push(agent);
  return agent;
}

// Another host on the link asks for the agent over and over (multicast-dns, the way bonjour-service
// browses) and sums up what came back from other hosts.
const querier = `
const mdns = require('multicast-dns')();
const seen = { answers: 0, targets: [], a: [], states: [] };
const add = (list, v) => { if (!list.includes(v)) list.push(v); };
mdns.on('response', (res, from) => {
  if (from.address === process.env.EF_SELF) return;
  seen.answers++;
  for (const r of [...res.answers, ...res.additionals]) {
    if (r.type === 'SRV') add(seen.targets, r.data.target);
    if (r.type === 'A') add(seen.a, r.data);
    if (r.type === 'TXT') for (const b of r.data) { const t = b.toString(); if (t.startsWith('state=')) add(seen.states, t.slice(6)); }
  }
});
const questions = [['_edgefleet._tcp.local', 'PTR'], ['_edgefleet._tcp.local', 'ANY'], ['_services._dns-sd._udp.local', 'PTR']];
let i = 0;
const timer = setInterval(() => mdns.query(...questions[i++ % questions.length]), 200);
setTimeout(() => { clearInterval(timer); console.log('EF_QUERIER ' + JSON.stringify(seen)); mdns.destroy(); }, Number(process.env.EF_MS));
`;

// A console on the other host: pairs over the link (or, given EF_TOKEN, uses that pairing), asks for
// info and, when EF_DEPLOY is set, deploys.
const consoleScript = `
import { AgentClient } from './electron/core/devices/https/agent-client.ts';
import { newConsole, sampleModel, signed } from './test/helpers/agent-process.ts';
const c = newConsole();
const host = process.env.EF_HOST, port = Number(process.env.EF_PORT);
const { client, token } = process.env.EF_TOKEN
  ? { client: new AgentClient({ host, port, fingerprint: process.env.EF_FINGERPRINT, token: process.env.EF_TOKEN }), token: process.env.EF_TOKEN }
  : await AgentClient.pair({ host, port, code: process.env.EF_CODE, consolePublicKey: c.publicKey, consoleName: 'hostile-lan console' });
const out = { token, info: await client.info() };
if (process.env.EF_DEPLOY) {
  await client.upload(sampleModel, signed(sampleModel, '3.0.0', c.privateKey));
  out.activate = (await client.activate({ maxLatencyMs: 5000 })).outcome;
  out.confirm = (await client.confirm()).state;
}
console.log('EF_CONSOLE ' + JSON.stringify(out));
`;

function lineOf<T>(out: string, tag: string): T {
  const m = new RegExp(`^${tag} (.*)$`, 'm').exec(out);
  if (!m) throw new Error(`no ${tag} line in:\n${out}`);
  return JSON.parse(m[1]) as T;
}

async function runConsole(h: NetnsHost, agent: AgentProcess, address: string, deploy: boolean, token?: string) {
  const run = spawnIn(h, [process.execPath, '--input-type=module', '--import', 'tsx', '-e', consoleScript], {
    EF_HOST: address,
    EF_PORT: String(agent.port),
    EF_CODE: agent.pairingCode!,
    EF_FINGERPRINT: agent.certFingerprint,
    ...(token ? { EF_TOKEN: token } : {}),
    ...(deploy ? { EF_DEPLOY: '1' } : {}),
  });
  const code = await run.exited;
  expect(code, run.output()).toBe(0);
  return lineOf<{ token: string; info: { deviceId: string }; activate?: string; confirm?: string }>(run.output(), 'EF_CONSOLE');
}

interface QuerierSummary {
  answers: number;
  targets: string[];
  a: string[];
  states: string[];
}

const mdnsLines = (agent: AgentProcess) => agent.output().split('\n').filter((l) => l.includes('mDNS'));
const alive = (agent: AgentProcess) => agent.proc.exitCode === null && agent.proc.signalCode === null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('agent mDNS on hostile networks', () => {
  it('serves on, and answers, on a LAN with no default and no multicast route', { timeout: 90_000 }, async () => {
    const l = link({ a: false, b: true });
    const agent = await agentIn(l.a, 'isolated');
    const q = spawnIn(l.b, [process.execPath, '-e', querier], { EF_SELF: l.b.address, EF_MS: '45000' });
    // Time passing, on purpose: the agent is under questioning for a while before the deploy.
    await sleep(3000);
    // While the questions keep coming: the API answers and a deploy goes through (its TXT change is announced).
    const first = await runConsole(l.b, agent, l.a.address, true);
    expect(first.info.deviceId).toBe(agent.deviceId);
    expect(first).toMatchObject({ activate: 'trial', confirm: 'running' });
    // An address that appears later is in the answers that follow.
    const added = l.a.address.replace(/\.1$/, '.11');
    l.a.ip('addr', 'add', `${added}/24`, 'dev', l.a.iface);
    expect(await q.exited, q.output()).toBe(0);
    expect(alive(agent), agent.output()).toBe(true);
    const seen = lineOf<QuerierSummary>(q.output(), 'EF_QUERIER');
    expect(seen.answers).toBeGreaterThan(10);
    expect(seen.targets).toEqual([`edgefleet-${agent.deviceId.slice(3, 11)}.local`]);
    expect(seen.a).toEqual(expect.arrayContaining([l.a.address, added]));
    expect(seen.states).toEqual(expect.arrayContaining(['empty', 'running']));
    expect(mdnsLines(agent)).toEqual([]);
    const again = await runConsole(l.b, agent, l.a.address, false, first.token);
    expect(again.info.deviceId).toBe(agent.deviceId);
  });

  it('logs one line while UDP port 5353 is taken, serves on, and advertises once it is free', { timeout: 60_000 }, async () => {
    const l = link({ a: true, b: true });
    // Another mDNS program that binds the port without SO_REUSEADDR, so nobody else can have it.
    const squatter = spawnIn(l.a, [process.execPath, '-e', "require('dgram').createSocket({ type: 'udp4', reuseAddr: false }).bind(5353, () => console.log('EF_BOUND'))"]);
    for (let i = 0; i < 50 && !squatter.output().includes('EF_BOUND'); i++) await sleep(100);
    expect(squatter.output()).toContain('EF_BOUND');
    const agent = await agentIn(l.a, 'crowded');
    // Long enough for several retries of the bind (1 s, 2 s, 4 s apart).
    await sleep(8000);
    expect(alive(agent), agent.output()).toBe(true);
    expect((await runConsole(l.b, agent, l.a.address, false)).info.deviceId).toBe(agent.deviceId);
    expect(mdnsLines(agent)).toHaveLength(1);
    expect(mdnsLines(agent)[0]).toMatch(/mDNS: cannot use UDP port 5353 \(EADDRINUSE/);
    squatter.proc.kill('SIGKILL');
    await squatter.exited;
    for (let i = 0; i < 200 && mdnsLines(agent).length < 2; i++) await sleep(100);
    expect(mdnsLines(agent)).toHaveLength(2);
    expect(mdnsLines(agent)[1]).toMatch(/mDNS: advertising again/);
    const q = spawnIn(l.b, [process.execPath, '-e', querier], { EF_SELF: l.b.address, EF_MS: '3000' });
    expect(await q.exited, q.output()).toBe(0);
    expect(lineOf<QuerierSummary>(q.output(), 'EF_QUERIER').answers).toBeGreaterThan(0);
  });
});

// A browser-mode console with discovery on, inside the first host while port 5353 is taken there; it
// reports when the squatter may go, then waits for an agent on the other host to appear.
const consoleDiscovery = `
import { createCore } from './electron/core/core.ts';
const core = createCore({ home: process.env.EF_HOME, mode: 'browser', discovery: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(6000);
console.log('EF_SURVIVED');
let found = [];
for (let i = 0; i < 300 && found.length === 0; i++) {
  found = (await core.call('devices.list', {})).result.filter((d) => d.state === 'discovered').map((d) => d.id);
  await sleep(100);
}
console.log('EF_FOUND ' + JSON.stringify(found));
await core.close();
process.exit(0);
`;

describe('console mDNS discovery on a hostile network', () => {
  it('survives a taken UDP port 5353, logs it once, and discovers once the port is free', { timeout: 60_000 }, async () => {
    const l = link({ a: true, b: true });
    const home = mkdtempSync(path.join(tmpdir(), 'ef-mdns-console-'));
    try {
      const squatter = spawnIn(l.a, [process.execPath, '-e', "require('dgram').createSocket({ type: 'udp4', reuseAddr: false }).bind(5353, () => console.log('EF_BOUND'))"]);
      for (let i = 0; i < 50 && !squatter.output().includes('EF_BOUND'); i++) await sleep(100);
      expect(squatter.output()).toContain('EF_BOUND');
      const konsole = spawnIn(l.a, [process.execPath, '--input-type=module', '--import', 'tsx', '-e', consoleDiscovery], { EF_HOME: home });
      for (let i = 0; i < 200 && !konsole.output().includes('EF_SURVIVED') && konsole.proc.exitCode === null; i++) await sleep(100);
      expect(konsole.output()).toContain('EF_SURVIVED');
      squatter.proc.kill('SIGKILL');
      await squatter.exited;
      const agent = await agentIn(l.b, 'findme');
      expect(await konsole.exited, konsole.output()).toBe(0);
      expect(lineOf<string[]>(konsole.output(), 'EF_FOUND')).toEqual([agent.deviceId]);
      const lines = konsole.output().split('\n').filter((x) => x.includes('mDNS'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/mDNS discovery stopped \(EADDRINUSE\)/);
      expect(lines[1]).toMatch(/mDNS discovery is running again/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

// python-zeroconf: browses, then resolves like Avahi and Apple's dns-sd do (SRV, TXT, then the
// target host's A records), and prints what it resolved.
const zeroconfScript = `
import json, time
from zeroconf import IPVersion, ServiceBrowser, ServiceListener, Zeroconf
T = '_edgefleet._tcp.local.'
zc = Zeroconf(ip_version=IPVersion.V4Only)
names = []
class Listener(ServiceListener):
    def add_service(self, zc, t, n): names.append(n)
    def update_service(self, zc, t, n): pass
    def remove_service(self, zc, t, n): pass
browser = ServiceBrowser(zc, T, Listener())
out = None
end = time.time() + 20
while out is None and time.time() < end:
    for n in list(names):
        info = zc.get_service_info(T, n, timeout=3000)
        if info is not None and info.parsed_addresses():
            txt = {k.decode(): (v.decode() if v is not None else None) for k, v in info.properties.items()}
            out = {'name': n, 'server': info.server, 'port': info.port, 'addresses': info.parsed_addresses(), 'txt': txt}
            break
    time.sleep(0.2)
print('EF_ZEROCONF ' + json.dumps(out))
browser.cancel()
zc.close()
`;

const hasZeroconf = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import zeroconf'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('agent mDNS with a standard DNS-SD client', () => {
  it('is resolved by python-zeroconf from another host: port, address and TXT', { timeout: 60_000 }, async () => {
    expect(hasZeroconf, 'python3-zeroconf is needed under /usr/bin/python3 (apt-get install python3-zeroconf)').toBe(true);
    const l = link({ a: true, b: true });
    const agent = await agentIn(l.a, 'resolvable');
    const zc = spawnIn(l.b, ['/usr/bin/python3', '-c', zeroconfScript]);
    expect(await zc.exited, zc.output()).toBe(0);
    const got = lineOf<{ server: string; port: number; addresses: string[]; txt: Record<string, string> } | null>(zc.output(), 'EF_ZEROCONF');
    expect(got, zc.output()).not.toBeNull();
    expect(got!.server).toBe(`edgefleet-${agent.deviceId.slice(3, 11)}.local.`);
    expect(got!.port).toBe(agent.port);
    expect(got!.addresses.filter((a) => a.includes('.'))).toEqual([l.a.address]);
    expect(got!.txt).toMatchObject({ id: agent.deviceId, name: 'resolvable', state: 'empty', model: '-' });
  });
});
