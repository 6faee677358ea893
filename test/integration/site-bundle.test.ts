// A release carried across an air gap as files: the connected console (its own home) writes a signed site
// bundle in parts; the site console (another home, which never talks to the first) checks and imports it
// and runs its plan on two real agents paired with it alone: a first wave, a hold for a person, the rest.
// Every refusal (a flipped byte, a missing or empty part, a file changed with its checksum, an unknown
// signer, an expired or replayed bundle, a clock a year behind) names the problem and changes nothing.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-store.js';
import { createBundle } from '../../electron/core/bundles/bundle-create.js';
import { importBundle } from '../../electron/core/bundles/bundle-import.js';
import { Registry } from '../../electron/core/registry/registry.js';
import { headFineTune } from '../helpers/model-variants.js';
import { infer, repoRoot, sampleModel, sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';

const bin = join(repoRoot, 'scripts', 'edgefleet.js');
const scratch = mkdtempSync(join(tmpdir(), 'ef-site-bundle-'));
const hq = join(scratch, 'hq');
const site = join(scratch, 'site');
const usb = join(scratch, 'usb');
let alpha: AgentProcess;
let beta: AgentProcess;
let rootFp = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function edgefleet(home: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDGEFLEET_DISCOVERY: 'off' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(home: string, ...args: string[]): Promise<Run> {
  const r = await edgefleet(home, ...args);
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

async function servedVersion(agent: AgentProcess): Promise<string | undefined> {
  const res = await infer(agent.servePort);
  expect(res.status).toBe(200);
  return res.body.model?.version;
}

/** What a refused import may not change: the site's models, trust and bundles. */
async function siteState(): Promise<string> {
  const models = (await ok(site, 'models', 'list', '--json')).stdout;
  const trust = existsSync(join(site, 'bundles', 'trust')) ? readdirSync(join(site, 'bundles', 'trust')).map((f) => `${f}:${readFileSync(join(site, 'bundles', 'trust', f), 'utf8')}`).join('|') : '';
  const bundles = (await ok(site, 'bundle', 'list', '--json')).stdout;
  const staged = existsSync(join(site, 'bundles')) ? readdirSync(join(site, 'bundles')).filter((f) => f.startsWith('.')) : [];
  return JSON.stringify({ models: (JSON.parse(models) as { sha256: string }[]).map((m) => m.sha256).sort(), trust, bundles, staged });
}

function copyOf(name: string): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(usb, dir, { recursive: true });
  return dir;
}

function parts(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.part\d{3}$/.test(f)).sort();
}

const v2File = join(scratch, 'digits-v2.onnx');
const tail = Buffer.from('v2 of the sample');

beforeAll(async () => {
  // A second version: the same graph with a doc_string appended (protobuf field 6).
  writeFileSync(v2File, Buffer.concat([sampleModel, Buffer.from([0x32, tail.length]), tail]));
  [alpha, beta] = await Promise.all([startAgent({ name: 'alpha' }), startAgent({ name: 'beta' })]);
  // The site console pairs its own devices and runs v1 on them; the connected console never sees them.
  await ok(site, 'models', 'import', sampleModelPath, '--name', 'digits');
  const ids: string[] = [];
  for (const a of [alpha, beta]) ids.push((JSON.parse((await ok(site, 'pair', `127.0.0.1:${a.port}`, '--code', a.pairingCode!, '--json')).stdout) as { id: string }).id);
  const siteModel = (JSON.parse((await ok(site, 'models', 'list', '--json')).stdout) as { id: string }[])[0].id;
  await ok(site, 'deploy', siteModel, '--device', ids[0], '--device', ids[1], '--confirm');
  await ok(hq, 'models', 'import', sampleModelPath, '--name', 'digits');
  await ok(hq, 'models', 'import', v2File, '--name', 'digits');
  const plan = join(scratch, 'plan.json');
  writeFileSync(
    plan,
    JSON.stringify({
      waves: [
        { name: 'pilot', model: 'digits@2', target: `device:${ids[0]}`, stages: [100], gates: ['deploy-failure-rate<=0@1'], soakMs: 500, hold: true },
        { name: 'rest', model: 'digits@2', target: 'all', stages: [100], gates: ['deploy-failure-rate<=0@1'], soakMs: 500 },
      ],
    }),
  );
  const created = await ok(hq, 'bundle', 'create', '--site', 'plant-7', '--plan', plan, '--part-size', String(1 << 20), '-o', usb, '--json');
  const out = JSON.parse(created.stdout) as { rootFingerprints: { sha256: string }[]; parts: { file: string }[] };
  rootFp = out.rootFingerprints[0].sha256;
  expect(out.parts.length).toBeGreaterThan(2);
}, 120_000);

afterAll(async () => {
  await Promise.all([alpha?.stop(), beta?.stop()]);
  for (const a of [alpha, beta]) if (a) rmSync(a.dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('a site bundle carried across an air gap', () => {
  it('refuses a first import without a trusted root, naming the root it offers', async () => {
    const before = await siteState();
    const r = await edgefleet(site, 'bundle', 'import', copyOf('untrusted'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not trust');
    expect(r.stderr).toContain(rootFp);
    expect(await siteState()).toBe(before);
  });

  it('finds a bad copy before unpacking: a flipped byte, a missing part, an empty part', async () => {
    const before = await siteState();
    const flipped = copyOf('flipped');
    const p1 = join(flipped, parts(flipped)[1]);
    const bytes = readFileSync(p1);
    bytes[1000] ^= 0x40;
    writeFileSync(p1, bytes);
    let r = await edgefleet(site, 'bundle', 'import', flipped, '--trust-root', rootFp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/part of the bundle is damaged/);
    expect(r.stderr).toContain(parts(flipped)[1]);

    const missing = copyOf('missing');
    rmSync(join(missing, parts(missing)[2]));
    r = await edgefleet(site, 'bundle', 'import', missing, '--trust-root', rootFp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/part of the bundle is missing/);

    const empty = copyOf('empty');
    truncateSync(join(empty, parts(empty)[0]), 0);
    r = await edgefleet(site, 'bundle', 'import', empty, '--trust-root', rootFp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/part of the bundle is empty/);
    expect(await siteState()).toBe(before);
  });

  it('refuses a model changed after signing even when its part checksum was changed to match', async () => {
    const before = await siteState();
    const forged = copyOf('forged');
    const last = parts(forged).at(-1)!;
    const bytes = readFileSync(join(forged, last));
    bytes[4096] ^= 0x01;
    writeFileSync(join(forged, last), bytes);
    const sums = readFileSync(join(forged, 'SHA256SUMS'), 'utf8').replace(/^[0-9a-f]{64}(?= {2}.*\.part\d{3}$)/gm, (h, offset: number, text: string) => {
      const line = text.slice(offset, text.indexOf('\n', offset));
      return line.endsWith(last) ? createHash('sha256').update(bytes).digest('hex') : h;
    });
    writeFileSync(join(forged, 'SHA256SUMS'), sums);
    const r = await edgefleet(site, 'bundle', 'import', forged, '--trust-root', rootFp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not match its signature/);
    expect(await siteState()).toBe(before);
  });

  it('imports with the root fingerprint, runs the first wave, holds for a person, then finishes', async () => {
    const r = await ok(site, 'bundle', 'import', copyOf('good'), '--trust-root', rootFp.slice(0, 16), '--json');
    const rec = JSON.parse(r.stdout) as { id: string; site: string; models: { name: string; version: number }[] };
    expect(rec.site).toBe('plant-7');
    // The site already had digits v1 (same bytes): v2 is new there and keeps its name.
    expect(rec.models.map((m) => `${m.name} v${m.version}`).sort()).toEqual(['digits v2']);
    const again = await ok(site, 'bundle', 'import', copyOf('good-again'));
    expect(again.stdout).toMatch(/Already imported/);

    const held = await edgefleet(site, 'bundle', 'run', rec.id, '--wait');
    expect(held.code, held.stdout + held.stderr).toBe(3);
    expect(held.stdout).toMatch(/holds after "pilot"/);
    expect(await servedVersion(alpha)).toBe('2');
    expect(await servedVersion(beta)).toBe('1');

    const done = await edgefleet(site, 'bundle', 'continue', rec.id, '--wait');
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(await servedVersion(beta)).toBe('2');
    const audit = JSON.parse((await ok(site, 'audit', '--json')).stdout) as { action: string; outcome: string; target: string }[];
    const actions = audit.map((a) => `${a.action}:${a.outcome}`);
    expect(actions).toContain('bundle.import:succeeded');
    expect(actions).toContain('bundle.continue:succeeded');
    expect(actions.filter((a) => a === 'rollout.create:succeeded').length).toBe(2);
  }, 180_000);

  it('carries the signed results back: the connected console records every device, once, and refuses a replay', async () => {
    const out = join(scratch, 'report');
    const made = JSON.parse((await ok(site, 'bundle', 'report', '-o', out, '--json')).stdout) as { consoleKeySha256: string; devices: { deviceId: string; signed: unknown; error: string | null }[] };
    expect(made.devices.map((d) => d.error)).toEqual([null, null]);
    const carried = join(scratch, 'report-carried');
    cpSync(out, carried, { recursive: true });

    let r = await edgefleet(hq, 'bundle', 'report-import', carried);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(made.consoleKeySha256);
    const hqAudit = async () => JSON.parse((await ok(hq, 'audit', '--json')).stdout) as { action: string; outcome: string; target: string; actor: string; detail: string }[];
    const before = (await hqAudit()).length;

    r = await ok(hq, 'bundle', 'report-import', carried, '--trust-site', made.consoleKeySha256.slice(0, 16), '--json');
    const imported = JSON.parse(r.stdout) as { verified: string[]; unverified: unknown[] };
    expect(imported.verified.sort()).toEqual(made.devices.map((d) => d.deviceId).sort());
    expect(imported.unverified).toEqual([]);
    const installs = (await hqAudit()).filter((a) => a.action === 'device.offline-install');
    // Wave "pilot" reached alpha, wave "rest" both: three completed offline installs, each with its site.
    expect(installs.length).toBe(3);
    for (const a of installs) {
      expect(a.outcome).toBe('succeeded');
      expect(a.actor).toBe('site:plant-7');
      expect(a.detail).toMatch(/signed report says it runs digits 2/);
    }
    const after = (await hqAudit()).length;
    expect(after).toBeGreaterThan(before);

    r = await ok(hq, 'bundle', 'report-import', carried);
    expect(r.stdout).toMatch(/Already imported/);
    expect((await hqAudit()).length).toBe(after + 0);

    // A different report that reuses the nonces, properly signed by the site console: refused.
    const body = JSON.parse(readFileSync(join(out, 'site-report.json'), 'utf8')) as { createdAt: string };
    body.createdAt = new Date(Date.now() + 60_000).toISOString();
    const replay = join(scratch, 'report-replay');
    rmSync(replay, { recursive: true, force: true });
    cpSync(out, replay, { recursive: true });
    const bytes = Buffer.from(`${JSON.stringify(body, null, 1)}\n`);
    const { readConsoleKey, consoleKeyPath } = await import('../../electron/core/devices/console-key.js');
    const { sign } = await import('node:crypto');
    writeFileSync(join(replay, 'site-report.json'), bytes);
    writeFileSync(join(replay, 'site-report.sig'), `${sign(null, bytes, readConsoleKey(consoleKeyPath(site)).privateKey).toString('base64')}\n`);
    const sumsOf = (f: string) => `${createHash('sha256').update(readFileSync(join(replay, f))).digest('hex')}  ${f}\n`;
    writeFileSync(join(replay, 'SHA256SUMS'), sumsOf('site-report.json') + sumsOf('site-report.sig'));
    r = await edgefleet(hq, 'bundle', 'report-import', replay);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reuses a nonce/);
    // Changed without the site console's key: the signature fails.
    writeFileSync(join(replay, 'site-report.sig'), readFileSync(join(out, 'site-report.sig')));
    writeFileSync(join(replay, 'SHA256SUMS'), sumsOf('site-report.json') + sumsOf('site-report.sig'));
    r = await edgefleet(hq, 'bundle', 'report-import', replay);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/signature does not verify/);
    expect((await hqAudit()).filter((a) => a.action === 'device.offline-install').length).toBe(3);
  }, 120_000);

  it('sends a head-only fine-tune as a delta against what the site reported, and the site rebuilds it byte-exact', async () => {
    const v3 = join(scratch, 'digits-v3.onnx');
    writeFileSync(v3, headFineTune());
    await ok(hq, 'models', 'import', v3, '--name', 'digits');
    const delta = join(scratch, 'delta-bundle');
    const made = JSON.parse((await ok(hq, 'bundle', 'create', '--site', 'plant-7', '--model', 'digits@3', '-o', delta, '--json')).stdout) as { header: { contents: { kind: string; bytes: number }[] } };
    const carried = made.header.contents.find((c) => c.kind === 'model-delta');
    expect(carried, JSON.stringify(made.header.contents)).toBeDefined();
    expect(carried!.bytes / statSync(v3).size).toBeLessThan(0.05);
    const full = join(scratch, 'full-bundle');
    const fullMade = JSON.parse((await ok(hq, 'bundle', 'create', '--site', 'plant-7', '--model', 'digits@3', '--no-delta', '-o', full, '--json')).stdout) as { header: { contents: { kind: string }[] } };
    expect(fullMade.header.contents.map((c) => c.kind)).toContain('model');
    // In the order they were made: a site refuses an earlier bundle after a later one.
    await ok(site, 'bundle', 'import', delta);
    const models = JSON.parse((await ok(site, 'models', 'list', '--json')).stdout) as { name: string; version: number; sha256: string }[];
    const want = createHash('sha256').update(readFileSync(v3)).digest('hex');
    expect(models.some((m) => m.sha256 === want)).toBe(true);
    await ok(site, 'bundle', 'import', full);
  }, 120_000);

  it('refuses a bundle from another authority, an older bundle after a newer one, and an expired one', async () => {
    const before = await siteState();
    const other = join(scratch, 'other-hq');
    await ok(other, 'models', 'import', sampleModelPath, '--name', 'digits');
    const foreign = join(scratch, 'foreign');
    await ok(other, 'bundle', 'create', '--site', 'plant-7', '--model', 'digits', '-o', foreign);
    let r = await edgefleet(site, 'bundle', 'import', foreign);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not signed by the keys this console trusts/);

    // Two new bundles from the trusted authority: the newer imported first, then the older is a replay.
    const older = join(scratch, 'older');
    const newer = join(scratch, 'newer');
    await ok(hq, 'bundle', 'create', '--site', 'plant-7', '--model', 'digits@1', '-o', older);
    await ok(hq, 'bundle', 'create', '--site', 'plant-7', '--model', 'digits@1', '-o', newer);
    await ok(site, 'bundle', 'import', newer);
    const afterNewer = await siteState();
    r = await edgefleet(site, 'bundle', 'import', older);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/older than one this console already imported/);
    expect(await siteState()).toBe(afterNewer);
    expect(afterNewer).not.toBe(before);

    // Expired: signed 40 days ago for 30 days.
    const registry = Registry.open(hq);
    const expiredDir = join(scratch, 'expired');
    try {
      await createBundle({ home: hq, registry, site: 'plant-7', models: registry.listModels().slice(0, 1), plan: null, agentArchs: [], expiresInDays: 30, outDir: expiredDir, now: new Date(Date.now() - 40 * 86_400_000) });
    } finally {
      registry.close();
    }
    r = await edgefleet(site, 'bundle', 'import', expiredDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has expired/);
    expect(await siteState()).toBe(afterNewer);
  }, 120_000);

  it('tells a clock a year behind from an expired bundle, and lets a person through on the signed time', async () => {
    const dir = join(scratch, 'clock');
    await ok(hq, 'bundle', 'create', '--site', 'plant-7', '--model', 'digits@1', '-o', dir);
    const before = await siteState();
    const registry = Registry.open(site);
    const audit = new AuditLog(registry.db);
    const yearAgo = new Date(Date.now() - 365 * 86_400_000);
    try {
      const refused = await importBundle({ home: site, registry, audit, actor: 'test', dir, now: yearAgo }).then(
        () => null,
        (e: { code: string; detail: string }) => e,
      );
      expect(refused?.code).toBe('BUNDLE_CLOCK_BEHIND');
      expect(refused?.detail).toMatch(/365 days behind/);
      expect(refused?.detail).toMatch(/--clock-from-bundle/);
    } finally {
      registry.close();
    }
    expect(await siteState()).toBe(before);
    const reg2 = Registry.open(site);
    try {
      const done = await importBundle({ home: site, registry: reg2, audit: new AuditLog(reg2.db), actor: 'test', dir, now: yearAgo, clockFromBundle: true });
      expect(done.already).toBe(false);
      const entry = new AuditLog(reg2.db).query({ action: 'bundle.import', order: 'desc', limit: 1 })[0];
      expect(entry.detail).toMatch(/clock 365 days behind/);
    } finally {
      reg2.close();
    }
  }, 60_000);
});
