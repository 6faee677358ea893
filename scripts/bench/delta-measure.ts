// Model deltas (resources/device-protocol/delta/): delta size / full size for the update shapes of the
// sample model (head-only fine-tune, every weight ×(1+1e-3), every weight ±1 ulp, INT8 re-calibrated,
// INT8 per-tensor against per-channel) and an opaque file edited in place (content-defined chunks),
// with build and apply times (median of 3); then at 115,200 baud through the relayed pty cable (as
// serial-measure.ts) the time to update a real agent from v1 to the head-only fine-tune through the
// console's deployToDevice, as a delta and in full. Prints one JSON line.
// Usage: tsx scripts/bench/delta-measure.ts [full-serial: measure|skip (default measure, about 5 minutes)]
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deltaBetween } from '../../electron/core/devices/delta-cache.js';
import { deployToDevice } from '../../electron/core/devices/deploy-device.js';
import { SerialLink } from '../../electron/core/devices/serial/serial-link.js';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { quantizeModel } from '../../electron/core/quantize/quantize-model.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { applyDelta } from '../../resources/device-protocol/delta/apply-delta.js';
import { buildDelta } from '../../resources/device-protocol/delta/build-delta.js';
import { zstdCompress } from '../../resources/device-protocol/delta/zstd.js';
import { describeArtifact, signManifest, type DeviceStatus, type Manifest } from '../../resources/device-protocol/messages.js';
import { repoRoot, startAgent, type AgentProcess } from '../../test/helpers/agent-process.js';
import { denseNudge, headFineTune, requantizedPair, sampleCalibrationPath, sampleModelPath, ulpNudge } from '../../test/helpers/model-variants.js';
import { SerialRelay } from '../../test/helpers/serial-relay.js';

const fullSerial = (process.argv[2] ?? 'measure') !== 'skip';
const tmp = mkdtempSync(path.join(tmpdir(), 'ef-delta-bench-'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sample = new Uint8Array(readFileSync(sampleModelPath));

async function sizeCase(name: string, base: Uint8Array, target: Uint8Array): Promise<Record<string, unknown>> {
  const builds: number[] = [];
  const applies: number[] = [];
  let built = buildDelta(base, target);
  const basePath = path.join(tmp, `${name}.base`);
  const deltaPath = path.join(tmp, `${name}.efd`);
  writeFileSync(basePath, base);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    built = buildDelta(base, target);
    builds.push(performance.now() - t0);
    writeFileSync(deltaPath, built.delta);
    const outPath = path.join(tmp, `${name}.out`);
    rmSync(outPath, { force: true });
    const t1 = performance.now();
    await applyDelta({ deltaPath, basePath, outPath });
    applies.push(performance.now() - t1);
    if (sha(readFileSync(outPath)) !== sha(target)) throw new Error(`${name}: the rebuilt file differs from the target`);
  }
  return {
    case: name,
    kind: built.stats.kind,
    fullBytes: target.byteLength,
    deltaBytes: built.delta.byteLength,
    ratio: built.delta.byteLength / target.byteLength,
    zstdFullRatio: zstdCompress(target, 3).byteLength / target.byteLength,
    units: built.stats.units,
    ops: Object.fromEntries(Object.entries(built.stats.ops).map(([k, v]) => [k, v.count])),
    buildMs: median(builds),
    applyMs: median(applies),
  };
}

/** Bytes that look like an opaque model (a TFLite flatbuffer's weights) with one tensor rewritten in place. */
function opaquePair(): { base: Uint8Array; target: Uint8Array } {
  const base = new Uint8Array(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'tflite', 'coral-mobilenet_v1_0.25_128_quant.tflite')));
  const target = Uint8Array.from(base);
  for (let i = target.byteLength - 40_000; i < target.byteLength - 30_000; i++) target[i] = (target[i] + 1) & 0xff;
  return { base, target };
}

async function serialUpdate(): Promise<Record<string, unknown>> {
  const home = path.join(tmp, 'home');
  mkdirSync(home, { recursive: true });
  const keys = generateKeyPairSync('ed25519');
  const v: Record<string, Uint8Array> = { '1': sample, '2': headFineTune(21), '3': headFineTune(22) };
  const files: Record<string, string> = {};
  for (const [k, bytes] of Object.entries(v)) {
    const f = path.join(tmp, `v${k}.onnx`);
    writeFileSync(f, bytes);
    files[k] = (await storeArtifact(home, f)).path;
  }
  const t0 = performance.now();
  const built = await deltaBetween(home, sha(v['1']), sha(v['2']));
  const buildMs = performance.now() - t0;
  const signedV = (k: string) => {
    const manifest: Manifest = { ...describeArtifact(v[k], 'digits', k), release: Number(k) };
    return { manifest, signature: signManifest(keys.privateKey, manifest) };
  };
  const deploy = async (link: SerialLink, k: string, delta: boolean) => {
    const status: DeviceStatus = await link.call('status');
    const t = performance.now();
    let transfer: unknown = null;
    const out = await deployToDevice(
      link,
      { artifactPath: files[k], signed: signedV(k), activate: true, confirm: true, maxLatencyMs: 10_000, signal: new AbortController().signal, delta: { home, status, privateKey: keys.privateKey, enabled: delta } },
      (p) => (transfer = p.transfer ?? transfer),
    );
    if (out.phase !== 'confirmed') throw new Error(`serial deploy of v${k} ended ${out.phase}`);
    return { seconds: (performance.now() - t) / 1000, transfer };
  };
  // v1 goes on over a fast line (its time is not the figure); the agent then moves to a 115,200 baud cable.
  let relay = await SerialRelay.start({ baud: 4_000_000, seed: 'delta-bench-fast' });
  let agent: AgentProcess = await startAgent({ args: ['--serial', relay.agentPath, '--baud', '4000000'] });
  const dataDir = agent.dataDir;
  const pairing = new SerialLink({ path: relay.consolePath, baudRate: 4_000_000, token: null });
  const { token } = await pairing.pair({ code: agent.pairingCode!, consolePublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), consoleName: 'delta bench' });
  await pairing.close();
  let link = new SerialLink({ path: relay.consolePath, baudRate: 4_000_000, token });
  await deploy(link, '1', false);
  await link.close();
  await agent.stop();
  await relay.stop();
  const baud = 115_200;
  relay = await SerialRelay.start({ baud, seed: 'delta-bench-115200' });
  agent = await startAgent({ dataDir, args: ['--serial', relay.agentPath, '--baud', String(baud)] });
  link = new SerialLink({ path: relay.consolePath, baudRate: baud, token });
  try {
    const delta = await deploy(link, '2', true);
    const full = fullSerial ? await deploy(link, '3', false) : null;
    return {
      baud,
      modelBytes: v['2'].byteLength,
      deltaBytes: built?.bytes ?? null,
      deltaBuildMs: buildMs,
      deltaSeconds: delta.seconds,
      deltaTransfer: delta.transfer,
      fullSeconds: full?.seconds ?? null,
      speedup: full ? full.seconds / delta.seconds : null,
    };
  } finally {
    await link.close();
    await agent.stop();
    await relay.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const cases: Record<string, unknown>[] = [];
try {
  cases.push(await sizeCase('head-only fine-tune', sample, headFineTune()));
  cases.push(await sizeCase('dense nudge ×(1+1e-3)', sample, denseNudge()));
  cases.push(await sizeCase('dense nudge ±1 ulp', sample, ulpNudge()));
  const rq = await requantizedPair(tmp);
  cases.push(await sizeCase('INT8 re-calibrated (minmax → percentile)', rq.base, rq.target));
  const perTensor = path.join(tmp, 'int8-per-tensor.onnx');
  await quantizeModel({ model: sampleModelPath, output: perTensor, mode: 'static', method: 'percentile', perChannel: false, calibrationNpy: sampleCalibrationPath, calibrationSamples: 64, safetyNet: false }, localContext(tmp, tmp));
  cases.push(await sizeCase('INT8 re-quantized (per-channel → per-tensor)', rq.target, new Uint8Array(readFileSync(perTensor))));
  const op = opaquePair();
  cases.push(await sizeCase('opaque TFLite, 10 kB rewritten (CDC)', op.base, op.target));
  const serial = await serialUpdate();
  process.stdout.write(JSON.stringify({ cases, serial, goal: 'head-only ≤ 0.05 of the full model' }) + '\n');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
