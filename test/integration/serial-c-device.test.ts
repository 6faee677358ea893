// The C reference device (resources/serial-device-c) against the real console: built with its own
// Makefile, run as its own process on one end of a relayed pty cable (test/helpers/serial-relay.ts, a
// real line rate), and driven through the real CLI as a user would: pair, status, deploy with trial and
// confirm, deploy again and roll back, a manifest signed with a key the device did not pin, and an
// upload that resumes after the device process is killed mid-upload and started again.
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../electron/core/api/types.js';
import { consoleKeyPath } from '../../electron/core/devices/console-key.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { encode, matmulModelFile, model, valueInfo } from '../fixtures/onnx-models.js';
import { buildCDevice, runCUnitTests, startCDevice, type CDevice } from '../helpers/c-device.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';
import { SerialRelay } from '../helpers/serial-relay.js';

// A real line rate (100 kB/s), so that an upload of a few hundred kB takes long enough to cut it.
const baud = 1_000_000;
const work = mkdtempSync(join(tmpdir(), 'ef-c-device-'));
const home = join(work, 'home');
const data = join(work, 'device');
let relay: SerialRelay;
let device: CDevice;
let deviceId: string;

const cli = (...args: string[]) => edgefleet(...args, '--home', home);

async function refreshed(): Promise<DeviceSummary> {
  const r = await cli('devices', '--refresh', '--json');
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as DeviceSummary[]).find((d) => d.id === deviceId)!;
}

/** X[1,64] · W[64,cols] with seeded weights: a real ONNX model of about 256 × cols bytes. */
function modelFile(name: string, cols: number, seed: string): string {
  const rnd = seededRandom(seed);
  const w = new Float32Array(64 * cols).map(() => rnd() - 0.5);
  const file = join(work, `${name}.onnx`);
  writeFileSync(
    file,
    encode(
      model({
        name,
        node: [{ name: 'mm', op_type: 'MatMul', input: ['X', 'W'], output: ['Y'] }],
        initializer: [{ name: 'W', data_type: 1, dims: [64, cols], raw_data: new Uint8Array(w.buffer) }],
        input: [valueInfo('X', [1, 64])],
        output: [valueInfo('Y', [1, cols])],
      }),
    ),
  );
  return file;
}

const slotBytes = (slot: 'a' | 'b') => readFileSync(join(data, `slot-${slot}.bin`));

beforeAll(async () => {
  await buildCDevice();
  relay = await SerialRelay.start({ baud, seed: 'serial-c-device' });
  device = await startCDevice({ port: relay.agentPath, data, baud });
  deviceId = device.deviceId;
}, 120_000);

afterAll(async () => {
  await device?.stop();
  await relay?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('C reference device', () => {
  it('passes its C unit tests (COBS, CRC-32, frames, JSON reader and writer, signature vector, ACKs)', async () => {
    const r = await runCUnitTests();
    expect(r.output).toMatch(/unit tests: \d+ checks, 0 failed/);
    expect(r.code, r.output).toBe(0);
  }, 120_000);

  it('pairs through `edgefleet serial add`, and `devices --refresh` reads its status and telemetry', async () => {
    expect(device.pairingCode).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    const added = await cli('serial', 'add', relay.consolePath, '--baud', String(baud), '--code', device.pairingCode!.toLowerCase(), '--json');
    expect(added.code, added.stderr).toBe(0);
    const summary = JSON.parse(added.stdout) as DeviceSummary;
    expect(summary).toMatchObject({ id: deviceId, transport: 'serial', address: `${relay.consolePath}@${baud}`, paired: true, agentVersion: 'edgefleet-c-device 0.1.0', slotState: 'empty' });
    expect(summary.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const row = await refreshed();
    expect(row).toMatchObject({ paired: true, slotState: 'empty', activeModel: null, health: 'ok' });
    expect(row.telemetry?.requests).toBe(0);
    expect(row.telemetry?.rssBytes).toBeGreaterThan(0);

    // The code was used once: pairing again with it is refused by the device.
    const again = await cli('serial', 'add', relay.consolePath, '--baud', String(baud), '--code', device.pairingCode!);
    expect(again.code).toBe(2);
    expect(device.log()).toMatch(/answered PAIRING_CODE_INVALID/);
  }, 120_000);

  it('deploys a signed model on trial and confirms it: slot a holds exactly the signed bytes', async () => {
    const file = matmulModelFile('c-device-a', 'c-model-a.onnx');
    const r = await cli('deploy', file, '--device', deviceId, '--confirm', '--json');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/confirmed/);
    expect(device.log()).toMatch(/activate: c-model-a \S+ is on trial in slot a/);
    expect(device.log()).toMatch(/confirm: c-model-a \S+ \(slot a\) was confirmed by the console/);
    expect(slotBytes('a').equals(readFileSync(file))).toBe(true);
    const row = await refreshed();
    expect(row.activeModel?.name).toBe('c-model-a');
    expect(row.slotState).toBe('confirmed');
  }, 120_000);

  it('deploys a second model to slot b, then `edgefleet rollback` swaps back to slot a', async () => {
    const file = modelFile('c-model-b', 128, 'c-device-b');
    const r = await cli('deploy', file, '--device', deviceId, '--confirm', '--json');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(slotBytes('b').equals(readFileSync(file))).toBe(true);
    expect((await refreshed()).activeModel?.name).toBe('c-model-b');

    const back = await cli('rollback', '--device', deviceId, '--json');
    expect(back.code, back.stderr).toBe(0);
    expect((JSON.parse(back.stdout) as DeviceSummary).activeModel?.name).toBe('c-model-a');
    expect(device.log()).toMatch(/Rolled back from c-model-b \S+ \(slot b\) to c-model-a \S+ \(slot a\)/);
    const row = await refreshed();
    expect(row.activeModel?.name).toBe('c-model-a');
    expect(row.slotState).toBe('confirmed');
  }, 120_000);

  it('refuses a manifest signed with a key it did not pin at pairing, stores nothing and keeps what it runs', async () => {
    const keyFile = consoleKeyPath(home);
    const saved = join(work, 'console-key.pem');
    copyFileSync(keyFile, saved);
    const stranger = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(keyFile, stranger, { mode: 0o600 });
    try {
      const r = await cli('deploy', modelFile('c-model-c', 64, 'c-device-c'), '--device', deviceId, '--confirm', '--json');
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/MANIFEST_SIGNATURE_INVALID|signature does not verify/i);
    } finally {
      copyFileSync(saved, keyFile);
    }
    expect(device.log()).toMatch(/answered MANIFEST_SIGNATURE_INVALID/);
    expect(device.log()).not.toMatch(/upload-begin: c-model-c/);
    const row = await refreshed();
    expect(row.activeModel?.name).toBe('c-model-a');
    expect(row.slotState).toBe('confirmed');
  }, 120_000);

  it('resumes the upload from the durable offset after the device process is killed mid-upload and restarted', async () => {
    const file = modelFile('c-model-big', 2400, 'c-device-big'); // about 614 kB: 6 s on this line
    const size = readFileSync(file).length;
    const deploying = cli('deploy', file, '--device', deviceId, '--confirm', '--json');
    const durable = await device.waitFor(/upload: (\d+) of (\d+) bytes durable/, 60_000, device.log().length);
    const killedAt = Number(durable[1]);
    expect(Number(durable[2])).toBe(size);
    expect(killedAt).toBeLessThan(size);
    await device.stop('SIGKILL');

    device = await startCDevice({ port: relay.agentPath, data, baud });
    expect(device.deviceId).toBe(deviceId);
    const r = await deploying;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/confirmed/);
    const resumed = device.log().match(/upload-begin: resuming c-model-big \S+ at offset (\d+) of (\d+)/);
    expect(resumed, device.log()).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(killedAt);
    expect(device.log()).not.toMatch(/upload-begin: c-model-big/); // never started over
    expect(slotBytes('b').equals(readFileSync(file))).toBe(true);
    const row = await refreshed();
    expect(row.activeModel?.name).toBe('c-model-big');
    expect(row.slotState).toBe('confirmed');
  }, 180_000);
});
