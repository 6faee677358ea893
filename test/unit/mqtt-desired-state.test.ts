// Desired state's parts on their own: the signed document, the console's record (versions that stay
// above what a device applied, acknowledgements of the current version only), and the device's
// reconciler (newer versions only, each applied once across a restart, a pending one tried again).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesiredStore } from '../../electron/core/devices/mqtt/desired-store.js';
import { desiredView } from '../../electron/core/devices/mqtt/desired-view.js';
import { Registry } from '../../electron/core/registry/registry.js';
import { AppError } from '../../electron/core/api/errors.js';
import { DesiredReconciler } from '../../resources/agent/src/desired-reconciler.js';
import type { BoundDevice } from '../../resources/agent/src/mqtt-binding.js';
import { signManifest, type DeviceOp, type DeviceStatus } from '../../resources/device-protocol/messages.js';
import { desiredVersion, signDesiredState, verifyDesiredState, type DesiredState } from '../../resources/device-protocol/mqtt/desired-state.js';

const consoleKey = generateKeyPairSync('ed25519');
const dev = 'ef-unit-device';
const sha = (c: string) => c.repeat(64);

function doc(version: number, shaChar: string | null, key = consoleKey.privateKey, url: string | undefined = 'http://127.0.0.1:1/a'): DesiredState {
  const manifest = shaChar ? { name: 'm', version: String(version), sha256: sha(shaChar), size: 10, created: new Date(0).toISOString(), release: version } : null;
  return signDesiredState(key, {
    v: desiredVersion,
    dev,
    version,
    at: new Date(0).toISOString(),
    model: manifest ? { signed: { manifest, signature: signManifest(key, manifest) }, ...(url ? { url } : {}), activate: { healthyWindowSec: 5 } } : null,
    source: 'unit',
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ef-desired-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the signed desired-state document', () => {
  it('verifies with the console key and fails when any field changes or another key signed it', () => {
    const d = doc(3, 'a');
    expect(verifyDesiredState(consoleKey.publicKey, d)).toBe(true);
    expect(verifyDesiredState(consoleKey.publicKey, { ...d, version: 4 })).toBe(false);
    expect(verifyDesiredState(consoleKey.publicKey, { ...d, dev: 'ef-other' })).toBe(false);
    expect(verifyDesiredState(consoleKey.publicKey, { ...d, model: null })).toBe(false);
    expect(verifyDesiredState(consoleKey.publicKey, { ...d, sig: 'AAAA' })).toBe(false);
    expect(verifyDesiredState(generateKeyPairSync('ed25519').publicKey, d)).toBe(false);
  });
});

describe("the console's desired-state record", () => {
  it('numbers versions above the last written and the last reported; acknowledges only the current version', () => {
    const reg = Registry.open(dir);
    try {
      const store = new DesiredStore(reg.db);
      const build = (n: number) => ({ document: JSON.stringify(doc(n, 'a')), sha256: sha('a'), source: 'unit' });
      expect(store.next(dev, build).version).toBe(1);
      expect(store.next(dev, build).version).toBe(2);
      store.markPublished(dev, 1);
      expect(store.get(dev)?.publishedAt).toBeNull();
      store.markPublished(dev, 2);
      expect(store.get(dev)?.publishedAt).not.toBeNull();

      // A home restored from a backup has no row, but the device reports having applied version 7.
      const other = 'ef-restored';
      store.recordReported(other, { version: 7, outcome: 'in-sync', sha256: null, detail: null, at: new Date().toISOString() });
      expect(store.next(other, build).version).toBe(8);
      expect(store.unpublished().map((r) => r.deviceId)).toEqual([other]);

      // A late report about an older version changes nothing.
      store.recordReported(dev, { version: 2, outcome: 'trial', sha256: sha('a'), detail: null, at: new Date().toISOString() });
      expect(store.recordReported(dev, { version: 1, outcome: 'refused', sha256: null, detail: 'old', at: new Date().toISOString() })).toBe(false);
      const view = desiredView(dev, store.get(dev));
      expect(view).toMatchObject({ version: 2, published: true, converged: true, reported: { version: 2, outcome: 'trial' }, model: { sha256: sha('a') } });
      store.next(dev, build);
      expect(desiredView(dev, store.get(dev)).converged).toBe(false);
    } finally {
      reg.close();
    }
  });
});

/** A device that records what the reconciler asks of it: activation order is what these tests read. */
class TestDevice extends EventEmitter implements BoundDevice {
  active: string | null = null;
  staged: string | null = null;
  calls: string[] = [];
  fetchError: AppError | null = null;
  status(): DeviceStatus {
    const m = this.active ? { slot: 'a' as const, manifest: { name: 'm', version: '1', sha256: this.active, size: 10, created: new Date(0).toISOString() } } : null;
    return { deviceId: dev, state: this.active ? 'running' : 'empty', active: m, previous: null, trial: null, upload: null, lastHealth: null, lastEvent: null };
  }
  async handle(op: DeviceOp, req: unknown): Promise<never> {
    const r = req as { signed?: { manifest: { sha256: string } }; expectStagedSha256?: string };
    this.calls.push(op);
    if (op === 'upload-fetch') {
      if (this.fetchError) throw this.fetchError;
      this.staged = r.signed!.manifest.sha256;
      return { complete: true } as never;
    }
    if (op === 'activate') {
      this.active = r.expectStagedSha256!;
      return { outcome: 'trial', health: { reason: null } } as never;
    }
    throw new Error(`unexpected ${op}`);
  }
}

const paired = { consolePublicKey: consoleKey.publicKey, consoleName: 'unit console' };

async function settle(r: DesiredReconciler, version: number): Promise<void> {
  for (let i = 0; i < 200 && !(r.report()?.version === version); i++) await new Promise((res) => setTimeout(res, 5));
  await new Promise((res) => setTimeout(res, 20));
}

describe("the device's reconciler", () => {
  it('applies a newer version once, ignores older ones and forgeries, and remembers across a restart', async () => {
    const device = new TestDevice();
    const file = path.join(dir, 'desired-state.json');
    const logs: string[] = [];
    const r = DesiredReconciler.open(device, paired, { deviceId: dev, file, log: (l) => logs.push(l) });
    r.offer(Buffer.from(JSON.stringify(doc(2, 'a'))));
    await settle(r, 2);
    expect(device.active).toBe(sha('a'));
    expect(r.report()).toMatchObject({ version: 2, outcome: 'trial' });

    r.offer(Buffer.from(JSON.stringify(doc(1, 'b'))));
    r.offer(Buffer.from(JSON.stringify(doc(9, 'c', generateKeyPairSync('ed25519').privateKey))));
    r.offer(Buffer.from(JSON.stringify({ ...doc(9, 'c'), dev: 'ef-other' })));
    await new Promise((res) => setTimeout(res, 30));
    expect(device.active).toBe(sha('a'));
    expect(logs.some((l) => /v9 refused: not signed/.test(l))).toBe(true);
    r.close();

    // After a restart, the same version again (the retained message at connect) changes nothing,
    // even though the device meanwhile runs something else (it reverted by itself).
    const after = new TestDevice();
    after.active = sha('e');
    const r2 = DesiredReconciler.open(after, paired, { deviceId: dev, file, log: () => undefined });
    expect(r2.report()).toMatchObject({ version: 2, outcome: 'trial' });
    r2.offer(Buffer.from(JSON.stringify(doc(2, 'a'))));
    await new Promise((res) => setTimeout(res, 30));
    expect(after.calls).toEqual([]);
    r2.offer(Buffer.from(JSON.stringify(doc(3, null))));
    await settle(r2, 3);
    expect(r2.report()).toMatchObject({ version: 3, outcome: 'in-sync' });
    r2.close();
  });

  it('keeps a version it could not apply yet pending and tries it again; a final refusal is not retried', async () => {
    const device = new TestDevice();
    device.fetchError = new AppError('ARTIFACT_FETCH_FAILED', 'Could not download the artifact', 'connection refused');
    const r = DesiredReconciler.open(device, paired, { deviceId: dev, log: () => undefined, retryBaseMs: 20 });
    r.offer(Buffer.from(JSON.stringify(doc(1, 'a'))));
    await settle(r, 1);
    expect(r.report()).toMatchObject({ version: 1, outcome: 'pending' });
    device.fetchError = null;
    for (let i = 0; i < 200 && r.report()?.outcome !== 'trial'; i++) await new Promise((res) => setTimeout(res, 5));
    expect(r.report()).toMatchObject({ version: 1, outcome: 'trial' });
    expect(device.active).toBe(sha('a'));

    device.fetchError = new AppError('MANIFEST_SIGNATURE_INVALID', 'Manifest signature does not verify', 'x');
    r.offer(Buffer.from(JSON.stringify(doc(2, 'b'))));
    await settle(r, 2);
    expect(r.report()).toMatchObject({ version: 2, outcome: 'refused' });
    const fetches = device.calls.filter((c) => c === 'upload-fetch').length;
    await new Promise((res) => setTimeout(res, 100));
    expect(device.calls.filter((c) => c === 'upload-fetch').length).toBe(fetches);
    r.close();
  });

  it('a damaged record file starts from nothing instead of failing', () => {
    const file = path.join(dir, 'desired-state.json');
    writeFileSync(file, '{not json');
    const logs: string[] = [];
    const r = DesiredReconciler.open(new TestDevice(), paired, { deviceId: dev, file, log: (l) => logs.push(l) });
    expect(r.report()).toBeNull();
    expect(logs.join('\n')).toMatch(/unreadable/);
    r.close();
  });
});
