import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleKeyPath, loadOrCreateConsoleKey } from '../../electron/core/devices/console-key.js';
import { signManifest, verifyManifest } from '../../resources/device-protocol/manifest.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { Registry } from '../../electron/core/registry/registry.js';

const home = mkdtempSync(path.join(tmpdir(), 'ef-devstore-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const tel = (i: number) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), requests: i, errors: 0, latencyMs: null, rssBytes: null, cpuLoad: null, temperatureC: null, confidenceMean: null });

describe('device inventory', () => {
  it('upserts, keeps a bounded history and removes', () => {
    const registry = Registry.open(home);
    try {
      const store = new DeviceStore(registry.db, 5);
      expect(() => store.upsert('ef-x', { state: 'online' })).toThrow(/name and address/);
      store.upsert('ef-1', { name: 'one', address: '127.0.0.1:1' });
      expect(store.get('ef-1')).toMatchObject({ state: 'discovered', paired: false, tags: [], groups: [], activeModel: null, health: 'unknown' });
      expect(store.credentials('ef-1')).toBeNull();
      store.upsert('ef-1', { token: 'secret', fingerprint: 'ab', tags: ['lab'], activeModel: { name: 'm', version: '2', sha256: null }, state: 'online' });
      expect(store.get('ef-1')).toMatchObject({ paired: true, tags: ['lab'], activeModel: { name: 'm', version: '2' }, name: 'one' });
      expect(JSON.stringify(store.get('ef-1'))).not.toContain('secret');
      expect(store.credentials('ef-1')).toMatchObject({ token: 'secret', address: '127.0.0.1:1' });
      for (let i = 0; i < 12; i++) store.addTelemetry('ef-1', tel(i), { health: 'ok' });
      expect(store.history('ef-1').map((x) => x.requests)).toEqual([7, 8, 9, 10, 11]);
      expect(store.get('ef-1')).toMatchObject({ health: 'ok', telemetry: { requests: 11 }, lastSeen: tel(11).at });
      expect(store.addTelemetry('ef-missing', tel(1))).toBeNull();
      expect(store.remove('ef-1')).toBe(true);
      expect(store.history('ef-1')).toEqual([]);
      expect(store.list()).toEqual([]);
    } finally {
      registry.close();
    }
  });

  it('makes the console key once, private (0600), and signs manifests that verify', async () => {
    const a = await loadOrCreateConsoleKey(home);
    const b = await loadOrCreateConsoleKey(home);
    expect(a.publicKeyPem).toBe(b.publicKeyPem);
    expect(statSync(consoleKeyPath(home)).mode & 0o777).toBe(0o600);
    const manifest = { name: 'm', version: '1', sha256: 'a'.repeat(64), size: 10, created: new Date().toISOString() };
    expect(verifyManifest(a.publicKey, manifest, signManifest(b.privateKey, manifest))).toBe(true);
  });
});
