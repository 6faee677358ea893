// Pairing against real agents while strangers guess: a flood of wrong codes from another address is
// slowed per source and never changes the owner's code; the certificate fingerprint the agent prints
// is the short form of its real certificate's SHA-256; `edgefleet pair --fingerprint` refuses a device
// whose certificate does not match before the code is sent.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { newConsole, pairWith, repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';

const bin = path.join(repoRoot, 'scripts', 'edgefleet.js');
const home = mkdtempSync(path.join(tmpdir(), 'ef-pair-flood-'));
let flooded: AgentProcess;
let many: AgentProcess;
let cliAgent: AgentProcess;
let fullHexAgent: AgentProcess;

interface PairAnswer {
  status: number;
  retryAfter: string | undefined;
  body: { code?: string; detail?: string; retryAfterMs?: number; deviceId?: string };
}

const consoleKey = newConsole().publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** One raw pair request with a wrong code, its socket bound to `from` (a loopback address). */
function guess(agent: AgentProcess, from: string, code: string, keepAlive?: Agent): Promise<PairAnswer> {
  const body = JSON.stringify({ code, consolePublicKey: consoleKey, consoleName: 'stranger' });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: agent.port,
        localAddress: from,
        method: 'POST',
        path: '/v1/pair',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        rejectUnauthorized: false,
        ...(keepAlive ? { agent: keepAlive } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Codes from the agent's alphabet that are not `code`. */
function wrongCodes(n: number, code: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const c = `W${String(i).padStart(7, '2').replace(/[01]/g, 'Z')}`;
    if (c !== code) out.push(c);
  }
  return out;
}

/** The certificate the agent really presents, read with tls.connect. */
function presentedSha256(agent: AgentProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: agent.port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve(createHash('sha256').update(raw).digest('hex'));
    });
    socket.once('error', reject);
  });
}

/** Written out here, not with the shared helper: the test checks that helper's result. */
function shortForm(hex: string): string {
  return hex.slice(0, 16).toUpperCase().match(/.{4}/g)!.join(' ');
}

function printedFingerprint(agent: AgentProcess): string | undefined {
  return /^Certificate fingerprint: ([0-9A-F]{4}(?: [0-9A-F]{4}){3})\b/m.exec(agent.output())?.[1];
}

function edgefleet(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function pairedIds(): Promise<string[]> {
  const r = await edgefleet('devices', '--json');
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as DeviceSummary[]).filter((d) => d.paired).map((d) => d.id);
}

beforeAll(async () => {
  [flooded, many, cliAgent, fullHexAgent] = await Promise.all([startAgent({ name: 'flooded' }), startAgent({ name: 'many' }), startAgent({ name: 'cli' }), startAgent({ name: 'full-hex' })]);
});

afterAll(async () => {
  await Promise.all([flooded, many, cliAgent, fullHexAgent].map((a) => a?.stop()));
  rmSync(home, { recursive: true, force: true });
});

describe('pairing under a guessing flood', () => {
  it('slows a stranger flooding wrong codes, counts them per source, and the owner still pairs on the first try', async () => {
    const code = flooded.pairingCode!;
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 });
    const answers: PairAnswer[] = [];
    const codes = wrongCodes(300, code);
    // 16 guesses in flight at a time, as fast as the agent answers.
    await Promise.all(
      Array.from({ length: 16 }, async (_, lane) => {
        for (let i = lane; i < codes.length; i += 16) answers.push(await guess(flooded, '127.0.0.2', codes[i], keepAlive));
      }),
    );
    keepAlive.destroy();

    const judged = answers.filter((a) => a.status === 403);
    const limited = answers.filter((a) => a.status === 429);
    expect(judged.length + limited.length).toBe(300);
    expect(judged.every((a) => a.body.code === 'PAIRING_CODE_INVALID')).toBe(true);
    // A few free tries, then one try per doubling wait: only a handful of the 300 codes were checked at all.
    expect(judged.length).toBeGreaterThanOrEqual(3);
    expect(judged.length).toBeLessThanOrEqual(12);
    for (const a of limited) {
      expect(a.body.code).toBe('PAIRING_RATE_LIMITED');
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.body.retryAfterMs).toBeGreaterThan(0);
      expect(a.body.detail).toMatch(/\d+ wrong codes came from 127\.0\.0\.2/);
    }
    const counted = Math.max(...limited.map((a) => Number(/(\d+) wrong codes/.exec(a.body.detail!)![1])));
    expect(counted).toBe(judged.length);

    // The code on the device is the one the owner read: the flood did not rotate it.
    expect(readFileSync(path.join(flooded.dataDir, 'pairing-code'), 'utf8').trim()).toBe(code);
    // The owner's address has its own count: a typo is judged, not refused for the stranger's sake.
    const typo = await guess(flooded, '127.0.0.1', codes[0]);
    expect(typo.status).toBe(403);
    const owner = await pairWith(flooded);
    expect((await owner.client.info()).deviceId).toBe(flooded.deviceId);
    owner.client.close();
  });

  it('caps wrong codes from many addresses together, and the code survives that too', async () => {
    const code = many.pairingCode!;
    const codes = wrongCodes(90, code);
    const answers: PairAnswer[] = [];
    for (let i = 0; i < codes.length; i++) answers.push(await guess(many, `127.0.1.${i + 1}`, codes[i]));
    const global = answers.filter((a) => a.status === 429);
    expect(global.length).toBeGreaterThan(0);
    expect(global[0].body.detail).toMatch(/many sources/);
    expect(answers.filter((a) => a.status === 403).length).toBeLessThan(codes.length);
    expect(readFileSync(path.join(many.dataDir, 'pairing-code'), 'utf8').trim()).toBe(code);
    // The owner may have to wait out the shared budget, as long as the device says; then the same code pairs.
    let owner = await guess(many, '127.0.0.1', code);
    for (let tries = 0; owner.status === 429 && tries < 5; tries++) {
      await new Promise((r) => setTimeout(r, Number(owner.retryAfter) * 1000));
      owner = await guess(many, '127.0.0.1', code);
    }
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ deviceId: many.deviceId });
  });
});

describe('certificate fingerprint at pairing', () => {
  it('the agent prints the short form of its real certificate next to the pairing code', async () => {
    const sha = await presentedSha256(cliAgent);
    expect(sha).toBe(cliAgent.certFingerprint);
    expect(printedFingerprint(cliAgent)).toBe(shortForm(sha));
    const lines = cliAgent.output().split('\n');
    const codeAt = lines.findIndex((l) => l.startsWith('Pairing code: '));
    expect(lines[codeAt + 1]).toMatch(/^Certificate fingerprint: /);
  });

  it('edgefleet pair --fingerprint with a wrong value is refused with exit 2 and pairs nothing; the code still works', async () => {
    const sha = await presentedSha256(cliAgent);
    const wrong = shortForm(createHash('sha256').update('another certificate').digest('hex'));
    const r = await edgefleet('pair', `127.0.0.1:${cliAgent.port}`, '--code', cliAgent.pairingCode!, '--fingerprint', wrong);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the certificate does not match the fingerprint you gave/);
    expect(r.stderr).toContain(wrong);
    expect(r.stderr).toContain(shortForm(sha));
    expect(r.stderr).toMatch(/code was not sent/);
    expect(await pairedIds()).not.toContain(cliAgent.deviceId);
    // The code never reached the device: it is still pending there.
    expect(readFileSync(path.join(cliAgent.dataDir, 'pairing-code'), 'utf8').trim()).toBe(cliAgent.pairingCode);

    // The right value, typed in lower case without spaces, pairs.
    const ok = await edgefleet('pair', `127.0.0.1:${cliAgent.port}`, '--code', cliAgent.pairingCode!, '--fingerprint', shortForm(sha).replace(/ /g, '').toLowerCase());
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Certificate fingerprint: ${shortForm(sha)}`);
    expect(ok.stdout).toMatch(/matches the fingerprint you gave/);
    expect(await pairedIds()).toContain(cliAgent.deviceId);
  });

  it('edgefleet pair shows the fingerprint and says the first pairing trusts it; the full hex pins too', async () => {
    const sha = await presentedSha256(fullHexAgent);
    const wrongFull = `${sha.slice(0, 62)}${sha.endsWith('00') ? '11' : '00'}`;
    const refused = await edgefleet('pair', `127.0.0.1:${fullHexAgent.port}`, '--code', fullHexAgent.pairingCode!, '--fingerprint', wrongFull.toUpperCase().match(/../g)!.join(':'));
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(wrongFull);
    expect(await pairedIds()).not.toContain(fullHexAgent.deviceId);

    const tofu = await edgefleet('pair', `127.0.0.1:${fullHexAgent.port}`, '--code', fullHexAgent.pairingCode!);
    expect(tofu.code, tofu.stderr).toBe(0);
    expect(tofu.stdout).toContain(`Certificate fingerprint: ${shortForm(sha)}`);
    expect(tofu.stdout).toContain('First pairing trusts this certificate: compare this fingerprint with the one the device shows');
    expect(printedFingerprint(fullHexAgent)).toBe(shortForm(sha));
  });
});
