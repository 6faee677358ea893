// Model deltas through the console's deploy path (deployToDevice) to real agents: v1 in full, v2 (a
// head-only fine-tune) as a delta built from the registry's artifact store, its trial and confirm,
// the slot holding exactly v2's bytes; a device whose base slot file was damaged or deleted gets the
// full model automatically and the result says why; over HTTPS, over serial (relayed ptys), and from
// the CLI (`edgefleet deploy`, `--no-delta`).
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployDeviceProgress, DeployResult } from '../../electron/core/api/types.js';
import { deltaCacheDir } from '../../electron/core/devices/delta-cache.js';
import { deployToDevice, type DeployPatch } from '../../electron/core/devices/deploy-device.js';
import { SerialLink } from '../../electron/core/devices/serial/serial-link.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import type { DeviceLink } from '../../resources/device-protocol/device-link.js';
import { describeArtifact, signManifest, type Manifest, type SignedManifest } from '../../resources/device-protocol/messages.js';
import { edgefleet as cli } from '../helpers/edgefleet-cli.js';
import { headFineTune } from '../helpers/model-variants.js';
import { clientFor, infer, pairWith, sampleModel, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { SerialRelay } from '../helpers/serial-relay.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'ef-deploy-delta-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const keys = generateKeyPairSync('ed25519');
const versions: Record<string, Uint8Array> = { '1': sampleModel, '2': headFineTune(11), '3': headFineTune(12), '4': headFineTune(13), '5': headFineTune(14) };

/** Each version as a model file and in the home's artifact store, as `models import` leaves it. */
async function modelFiles(home: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [v, bytes] of Object.entries(versions)) {
    const file = path.join(scratch, 'models', `v${v}`, 'mobilenetv2-digits', 'model.onnx');
    mkdirSync(path.dirname(file), { recursive: true });
    if (!existsSync(file)) writeFileSync(file, bytes);
    out[v] = (await storeArtifact(home, file)).path;
  }
  return out;
}

function signedV(v: string): SignedManifest {
  const manifest: Manifest = { ...describeArtifact(versions[v], 'mobilenetv2-digits', v), release: Number(v) };
  return { manifest, signature: signManifest(keys.privateKey, manifest) };
}

interface Sent {
  manifest: Manifest;
  /** The device's durable offset when the upload ended: the bytes it received. */
  received: number;
}

/** The link, recording every upload: which manifest it went under and how many bytes the device took. */
function recording(link: DeviceLink): { link: DeviceLink; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    link: {
      where: link.where,
      preconditions: link.preconditions,
      call: (op, req) => link.call(op, req),
      upload: (artifact, signed, opts = {}) => {
        const rec: Sent = { manifest: signed.manifest, received: 0 };
        sent.push(rec);
        return link.upload(artifact, signed, {
          ...opts,
          onProgress: (s) => {
            rec.received = s.offset;
            opts.onProgress?.(s);
          },
        });
      },
      close: () => link.close(),
    },
  };
}

async function deploy(link: DeviceLink, home: string, files: Record<string, string>, v: string, enabled = true) {
  const status = await link.call('status');
  let row: Partial<DeployDeviceProgress> = {};
  const outcome = await deployToDevice(
    link,
    { artifactPath: files[v], signed: signedV(v), activate: true, confirm: true, maxLatencyMs: 5000, signal: new AbortController().signal, delta: { home, status, privateKey: keys.privateKey, enabled } },
    (patch: DeployPatch) => (row = { ...row, ...patch }),
  );
  return { outcome, row };
}

function slotBytes(agent: AgentProcess, slot: 'a' | 'b'): Buffer {
  return readFileSync(path.join(agent.dataDir, 'slots', slot, 'model.onnx'));
}

describe('deltas over HTTPS to a real agent', () => {
  const home = path.join(scratch, 'home-https');
  let agent: AgentProcess;
  let files: Record<string, string>;
  let rec: ReturnType<typeof recording>;

  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    files = await modelFiles(home);
    agent = await startAgent({ name: 'delta-https' });
    rec = recording((await pairWith(agent, keys)).client);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
  });

  it('advertises deltas in info', async () => {
    expect((await rec.link.call('info')).capabilities).toContain('delta-efd1');
  });

  it('sends v1 in full (nothing to build on), then v2 as a delta: trial, confirm, slot holds exactly v2', async () => {
    const first = await deploy(rec.link, home, files, '1');
    expect(first.outcome.phase).toBe('confirmed');
    expect(first.row.transfer).toEqual({ mode: 'full', bytes: versions['1'].byteLength, reason: 'the device holds no other model to build on' });

    rec.sent.length = 0;
    const second = await deploy(rec.link, home, files, '2');
    expect(second.outcome.phase, JSON.stringify(second.row.error)).toBe('confirmed');
    const cached = path.join(deltaCacheDir(home), `${sha(versions['1'])}-${sha(versions['2'])}.efd`);
    const deltaBytes = statSync(cached).size;
    expect(second.row.transfer).toEqual({ mode: 'delta', bytes: deltaBytes, base: sha(versions['1']) });
    // One upload, under a manifest naming the delta, and the device took the delta's bytes: a few % of v2.
    expect(rec.sent).toHaveLength(1);
    expect(rec.sent[0].manifest).toMatchObject({ sha256: sha(versions['2']), size: versions['2'].byteLength, delta: { base: sha(versions['1']), format: 'efd1', bytes: deltaBytes } });
    expect(rec.sent[0].received).toBe(deltaBytes);
    expect(deltaBytes).toBeLessThan(0.05 * versions['2'].byteLength);
    expect(second.row.totalBytes).toBe(deltaBytes);

    const status = second.outcome.status!;
    expect(status).toMatchObject({ state: 'running', active: { slot: 'b', manifest: { version: '2', sha256: sha(versions['2']) } }, previous: { slot: 'a' } });
    // The slot's record is the model's, not how it travelled.
    expect(status.active!.manifest.delta).toBeUndefined();
    expect(sha(slotBytes(agent, 'b'))).toBe(sha(versions['2']));
    expect((await infer(agent.servePort)).body.model?.version).toBe('2');
  });

  it('falls back to the full model when the base slot file is damaged (refused after the delta arrived), and says so', async () => {
    const active = path.join(agent.dataDir, 'slots', 'b', 'model.onnx');
    const damaged = readFileSync(active);
    damaged[damaged.byteLength - 4000] ^= 0xff;
    writeFileSync(active, damaged);
    rec.sent.length = 0;
    const r = await deploy(rec.link, home, files, '3');
    expect(r.outcome.phase, JSON.stringify(r.row.error)).toBe('confirmed');
    expect(r.row.transfer).toMatchObject({ mode: 'full', bytes: versions['3'].byteLength });
    expect((r.row.transfer as { reason: string }).reason).toMatch(/refused the delta \(DELTA_BASE_MISSING: .*\); sent the full model/);
    // First the delta (all of it: the device finds the damage when it rebuilds), then the model, once.
    expect(rec.sent.map((s) => Boolean(s.manifest.delta))).toEqual([true, false]);
    expect(rec.sent[1].received).toBe(versions['3'].byteLength);
    expect(r.row.totalBytes).toBe(versions['3'].byteLength);
    expect(r.outcome.status).toMatchObject({ state: 'running', active: { slot: 'a', manifest: { version: '3' } }, upload: null });
    expect(sha(slotBytes(agent, 'a'))).toBe(sha(versions['3']));
  });

  it('falls back at upload-begin when the base slot file is gone: no delta byte is sent', async () => {
    unlinkSync(path.join(agent.dataDir, 'slots', 'a', 'model.onnx'));
    rec.sent.length = 0;
    const r = await deploy(rec.link, home, files, '4');
    expect(r.outcome.phase, JSON.stringify(r.row.error)).toBe('confirmed');
    expect((r.row.transfer as { reason: string }).reason).toContain('DELTA_BASE_MISSING');
    expect(rec.sent.map((s) => [Boolean(s.manifest.delta), s.received])).toEqual([
      [true, 0],
      [false, versions['4'].byteLength],
    ]);
    expect(sha(slotBytes(agent, 'b'))).toBe(sha(versions['4']));
  });

  it('sends the full model when deltas are off, saying so', async () => {
    rec.sent.length = 0;
    const r = await deploy(rec.link, home, files, '5', false);
    expect(r.outcome.phase).toBe('confirmed');
    expect(r.row.transfer).toEqual({ mode: 'full', bytes: versions['5'].byteLength, reason: 'deltas turned off for this deploy' });
    expect(rec.sent.map((s) => s.manifest.delta)).toEqual([undefined]);
  });
});

describe('an agent killed while it rebuilds from a delta', () => {
  const home = path.join(scratch, 'home-crash');
  let agent: AgentProcess;
  let files: Record<string, string>;

  afterAll(async () => {
    await agent?.stop();
  });

  it('restarts with nothing half-written staged, and the same delta deploys again', async () => {
    mkdirSync(home, { recursive: true });
    files = await modelFiles(home);
    agent = await startAgent({ name: 'delta-crash', env: { EDGEFLEET_AGENT_CRASH_AT: 'upload:rebuilt' } });
    const { client, token } = await pairWith(agent, keys);
    expect((await deploy(client, home, files, '1')).outcome.phase).toBe('confirmed');
    const killed = await deploy(client, home, files, '2');
    expect(killed.row.transfer).toMatchObject({ mode: 'delta' });
    expect(killed.outcome.phase).toBe('failed');
    await agent.exited;
    const dataDir = agent.dataDir;
    agent = await startAgent({ dataDir, name: 'delta-crash' });
    const staging = readdirSync(path.join(dataDir, 'staging')).filter((f) => !f.startsWith('.'));
    expect(staging).not.toContain('artifact.rebuild');
    expect(staging).not.toContain('artifact.ready');
    const again = await deploy(clientFor(agent, token), home, files, '2');
    expect(again.outcome.phase, JSON.stringify(again.row.error)).toBe('confirmed');
    expect(again.row.transfer).toMatchObject({ mode: 'delta', base: sha(versions['1']) });
    expect(sha(slotBytes(agent, 'b'))).toBe(sha(versions['2']));
    expect(readdirSync(path.join(dataDir, 'staging')).filter((f) => !f.startsWith('.'))).toEqual([]);
  }, 120_000);
});

describe('deltas over serial (relayed ptys) to a real agent', () => {
  const home = path.join(scratch, 'home-serial');
  const baud = 4_000_000;
  let relay: SerialRelay;
  let agent: AgentProcess;
  let link: SerialLink;
  let files: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    files = await modelFiles(home);
    relay = await SerialRelay.start({ baud, seed: 'delta-serial' });
    agent = await startAgent({ args: ['--serial', relay.agentPath, '--baud', String(baud)] });
    const pairing = new SerialLink({ path: relay.consolePath, baudRate: baud, token: null });
    try {
      const { token } = await pairing.pair({ code: agent.pairingCode!, consolePublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), consoleName: 'delta serial' });
      link = new SerialLink({ path: relay.consolePath, baudRate: baud, token });
    } finally {
      await pairing.close();
    }
  }, 60_000);

  afterAll(async () => {
    await link?.close();
    await agent?.stop();
    await relay?.stop();
  });

  it('v1 in full, v2 as a delta: the cable carries a few % of the model and the slot holds v2', async () => {
    expect((await deploy(link, home, files, '1')).outcome.phase).toBe('confirmed');
    const before = relay.toAgent.forwarded;
    const r = await deploy(link, home, files, '2');
    const wire = relay.toAgent.forwarded - before;
    expect(r.outcome.phase, JSON.stringify(r.row.error)).toBe('confirmed');
    expect(r.row.transfer).toMatchObject({ mode: 'delta', base: sha(versions['1']) });
    expect(wire).toBeLessThan(0.06 * versions['2'].byteLength);
    expect(sha(slotBytes(agent, 'b'))).toBe(sha(versions['2']));
  }, 120_000);
});

describe('edgefleet deploy: the delta in the result, --no-delta', () => {
  const home = path.join(scratch, 'home-cli');
  let agent: AgentProcess;
  const edgefleet = (...args: string[]) => cli(...args, '--home', home);

  async function deployCli(v: string, ...flags: string[]): Promise<DeployDeviceProgress> {
    const file = path.join(scratch, 'models', `v${v}`, 'mobilenetv2-digits', 'model.onnx');
    const r = await edgefleet('deploy', file, '--device', agent.deviceId, '--confirm', '--max-latency', '5000', '--json', ...flags);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as DeployResult).devices[0];
  }

  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    await modelFiles(path.join(scratch, 'unused-home'));
    agent = await startAgent({ name: 'delta-cli' });
    const r = await edgefleet('pair', `127.0.0.1:${agent.port}`, '--code', agent.pairingCode!, '--json');
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
  });

  it('reports full, then delta {bytes, base}, then full with --no-delta', async () => {
    expect((await deployCli('1')).transfer).toMatchObject({ mode: 'full' });
    const second = await deployCli('2');
    expect(second).toMatchObject({ phase: 'confirmed', transfer: { mode: 'delta', base: sha(versions['1']) } });
    expect((second.transfer as { bytes: number }).bytes).toBeLessThan(0.05 * versions['2'].byteLength);
    const third = await deployCli('3', '--no-delta');
    expect(third).toMatchObject({ phase: 'confirmed', transfer: { mode: 'full', reason: 'deltas turned off for this deploy' } });
    expect(sha(slotBytes(agent, 'a'))).toBe(sha(versions['3']));
  }, 180_000);
});
