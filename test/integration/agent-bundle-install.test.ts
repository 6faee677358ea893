// A device with no console at all installs a site bundle from a folder (`edgefleet-agent install DIR`, as
// Mender's standalone mode): the same verification as the site console, the inactive slot, the trial
// and health check, and its signed report written beside the bundle. Power is cut (kill -9) at random
// points of an install, again and again: after each, the agent starts and serves a model that loads.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignedReport } from '../../resources/device-protocol/device-report.js';
import { pemFingerprint } from '../../resources/device-protocol/fingerprint.js';
import { agentMain, infer, newDataDir, repoRoot, sampleModel, sampleModelPath, startAgent } from '../helpers/agent-process.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';

const bin = path.join(repoRoot, 'scripts', 'edgefleet.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'ef-agent-install-'));
const hq = path.join(scratch, 'hq');
const v1 = path.join(scratch, 'v1');
const v2 = path.join(scratch, 'v2');
const dataDir = newDataDir('ef-standalone-');
let rootFp = '';

function run(cmd: string[], opts: { killAfterMs?: number; env?: Record<string, string> } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EDGEFLEET_DISCOVERY: 'off', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = opts.killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const cli = (...args: string[]) => run([process.execPath, bin, ...args, '--home', hq]);
const install = (dir: string, extra: string[] = [], o: { killAfterMs?: number; env?: Record<string, string>; data?: string } = {}) =>
  run([process.execPath, '--import', 'tsx', agentMain, 'install', dir, '--data-dir', o.data ?? dataDir, '--trial-sec', '1', ...extra], o);

async function served(data = dataDir): Promise<string | undefined> {
  const agent = await startAgent({ dataDir: data });
  try {
    const res = await infer(agent.servePort);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.model?.version;
  } finally {
    await agent.stop();
  }
}

beforeAll(async () => {
  const tail = Buffer.from('v2 of the sample');
  const v2File = path.join(scratch, 'digits-v2.onnx');
  writeFileSync(v2File, Buffer.concat([sampleModel, Buffer.from([0x32, tail.length]), tail]));
  for (const f of [sampleModelPath, v2File]) expect((await cli('models', 'import', f, '--name', 'digits')).code).toBe(0);
  const plan = path.join(scratch, 'plan.json');
  writeFileSync(plan, JSON.stringify({ waves: [{ model: 'digits@2', target: 'all' }] }));
  const a = await cli('bundle', 'create', '--site', 'ship-1', '--model', 'digits@1', '-o', v1, '--json');
  expect(a.code, a.stderr).toBe(0);
  rootFp = (JSON.parse(a.stdout) as { rootFingerprints: { sha256: string }[] }).rootFingerprints[0].sha256;
  expect((await cli('bundle', 'create', '--site', 'ship-1', '--plan', plan, '-o', v2)).code).toBe(0);
}, 120_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('edgefleet-agent install from a folder, no console', () => {
  it('installs the first bundle with the pinned root and writes its signed report beside it', async () => {
    const refused = await install(v1);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/does not trust/);
    const r = await install(v1, ['--trust-root', rootFp.slice(0, 16)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^installed: digits 1 passed its trial/);
    const [file] = readdirSync(path.join(v1, 'reports'));
    const result = JSON.parse(readFileSync(path.join(v1, 'reports', file), 'utf8')) as { outcome: string; report: Parameters<typeof checkSignedReport>[0] };
    expect(result.outcome).toBe('installed');
    const fp = pemFingerprint(readFileSync(path.join(dataDir, 'device-cert.pem'), 'utf8'));
    expect(checkSignedReport(result.report, { certFingerprint: fp })).toEqual([]);
    expect(result.report.report.active?.version).toBe('1');
    expect(result.report.report.events.map((e) => e.kind)).toEqual(['trial-started', 'auto-confirmed']);
    expect(await served()).toBe('1');
  }, 120_000);

  it('refuses a damaged copy and leaves the device as it was', async () => {
    const bad = path.join(scratch, 'bad');
    cpSync(v2, bad, { recursive: true });
    const part = readdirSync(bad).find((f) => f.endsWith('.part000'))!;
    const bytes = readFileSync(path.join(bad, part));
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(path.join(bad, part), bytes);
    const state = readFileSync(path.join(dataDir, 'state.json'), 'utf8');
    const r = await install(bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/damaged/);
    expect(readFileSync(path.join(dataDir, 'state.json'), 'utf8')).toBe(state);
  }, 60_000);

  it('always boots a loadable model when power is cut at any step of an install', async () => {
    // Each cut starts from the device as it is now (v1 confirmed), copied.
    const copy = (name: string) => {
      const d = path.join(scratch, name);
      cpSync(dataDir, d, { recursive: true });
      rmSync(path.join(d, 'agent.pid'), { force: true });
      return d;
    };
    const points = ['bundle:staged', 'bundle:trusted', 'activate:slot-released', 'activate:installed', 'activate:committed', 'activate:checked', 'activate:serving', 'confirm:committed'];
    for (const point of points) {
      const d = copy(`cut-${point.replace(':', '-')}`);
      const r = await install(v2, [], { env: { EDGEFLEET_AGENT_CRASH_AT: point }, data: d });
      expect(r.signal, `${point}: ${r.stdout}${r.stderr}`).toBe('SIGKILL');
      // Before the confirm, the restarted agent reverts the unconfirmed trial; after it, v2 stays.
      expect(await served(d), point).toBe(point === 'confirm:committed' ? '2' : '1');
      // And the install, run again after the cut, completes.
      const again = await install(v2, [], { data: d });
      expect(again.code, `${point}, again: ${again.stdout}${again.stderr}`).toBe(0);
      expect(await served(d), `${point}, again`).toBe('2');
    }
    const random = seededRandom(7);
    for (let i = 0; i < 4; i++) {
      const d = copy(`cut-random-${i}`);
      const at = 300 + Math.floor(random() * 2500);
      const r = await install(v2, [], { killAfterMs: at, data: d });
      expect(['1', '2'], `cut at ${at} ms (${r.signal ?? r.code})`).toContain(await served(d));
    }
    const done = await install(v2);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(await served()).toBe('2');
  }, 600_000);

  it('installs bundles that appear in the folder the running agent watches', async () => {
    const media = path.join(scratch, 'media');
    const watched = newDataDir('ef-watch-');
    const agent = await startAgent({ dataDir: watched, args: ['--watch-media', media, '--bundle-trust-root', rootFp, '--bundle-trial-sec', '1'] });
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (let i = 0; i < 150 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 200));
      expect(await ok(), what).toBe(true);
    };
    try {
      cpSync(v1, path.join(media, 'usb1', 'release'), { recursive: true });
      await until('v1 from the stick', async () => (await infer(agent.servePort)).body.model?.version === '1');
      cpSync(v2, path.join(media, 'usb2'), { recursive: true });
      await until('v2 from the second stick', async () => (await infer(agent.servePort)).body.model?.version === '2');
      await until('its report beside the bundle', async () => readdirSync(path.join(media, 'usb2')).includes('reports'));
      const [file] = readdirSync(path.join(media, 'usb2', 'reports'));
      expect((JSON.parse(readFileSync(path.join(media, 'usb2', 'reports', file), 'utf8')) as { outcome: string }).outcome).toBe('installed');
    } finally {
      await agent.stop();
      rmSync(watched, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses to install while the agent runs on the same data dir', async () => {
    const agent = await startAgent({ dataDir });
    try {
      const r = await install(v1);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/agent is running on this data dir/);
    } finally {
      await agent.stop();
    }
  }, 60_000);
});
