// The fit rules against a real registry and inventory (SQLite): the board kept per device, the warnings
// grouped per board for devices.checkFit, and the active model of a device page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardInfo, DeviceHardware } from '../../electron/core/api/types.js';
import { activeModelFit, checkFit } from '../../electron/core/devices/check-fit.js';
import { DeviceStore } from '../../electron/core/registry/device-store.js';
import { Registry } from '../../electron/core/registry/registry.js';

const home = mkdtempSync(path.join(tmpdir(), 'ef-fit-'));
let registry: Registry;
let store: DeviceStore;

const board = (cpu: string, cpuFeatures: string[]): BoardInfo => ({ cpu, model: null, cpuFeatures, os: { type: 'Linux', release: '6.1.0', distro: null }, onnxruntime: { version: '1.30.0', executionProviders: ['cpu'] } });
const hardware = (b: BoardInfo | null): DeviceHardware => ({ readAt: '2026-01-01T00:00:00.000Z', cores: 4, totalMemoryBytes: 4 * 2 ** 30, board: b });
const sha = (n: number) => n.toString(16).padStart(64, '0');

let floatId: string;
let fp16Id: string;
let int8Id: string;

beforeAll(() => {
  registry = Registry.open(home);
  store = new DeviceStore(registry.db);
  const add = (n: number, name: string, extra: object) => registry.addModel({ name, sha256: sha(n), sizeBytes: 1000, sourceFile: null, inspect: null, ...extra }).model.id;
  floatId = add(1, 'digits', {});
  fp16Id = add(2, 'digits-fp16', { parentId: floatId, recipe: { mode: 'fp16' } });
  int8Id = add(3, 'digits-static', { parentId: floatId, recipe: { mode: 'static', activationType: 'int8' }, metrics: { latencyRatio: 0.5 } });
  const pi = hardware(board('ARM Cortex-A72', ['asimd']));
  store.upsert('ef-pi-1', { name: 'pi-1', address: '10.0.0.1:8443', arch: 'arm64', hardware: pi });
  store.upsert('ef-pi-2', { name: 'pi-2', address: '10.0.0.2:8443', arch: 'arm64', hardware: pi });
  store.upsert('ef-orin', { name: 'orin', address: '10.0.0.3:8443', arch: 'arm64', hardware: hardware(board('ARM Cortex-A78AE', ['asimd', 'asimdhp', 'asimddp'])) });
  store.upsert('ef-c', { name: 'c-device', address: '/dev/ttyACM0@115200', arch: 'armv7e-m', hardware: hardware(null) });
  store.upsert('ef-old', { name: 'old-agent', address: '10.0.0.5:8443', arch: 'arm64' });
});

afterAll(() => {
  registry.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the board in the inventory', () => {
  it('keeps cores, memory and board per device, off the summaries; null before any info', () => {
    expect(store.hardware('ef-pi-1')).toMatchObject({ cores: 4, board: { cpu: 'ARM Cortex-A72', cpuFeatures: ['asimd'] } });
    expect(store.hardware('ef-c')).toMatchObject({ cores: 4, board: null });
    expect(store.hardware('ef-old')).toBeNull();
    expect(store.hardware('ef-none')).toBeNull();
    expect(store.get('ef-pi-1')).not.toHaveProperty('hardware');
    // A later patch without hardware leaves it as it was.
    store.upsert('ef-pi-1', { state: 'online' });
    expect(store.hardware('ef-pi-1')?.board?.cpu).toBe('ARM Cortex-A72');
  });
});

describe('devices.checkFit', () => {
  it('groups each warning over the boards it concerns and lists the boards it cannot judge', () => {
    const r = checkFit(registry, store, int8Id, ['ef-pi-1', 'ef-orin', 'ef-pi-2', 'ef-c', 'ef-old', 'ef-unknown', 'ef-pi-1']);
    expect(r).toMatchObject({ modelId: int8Id, model: 'digits-static v1', precision: { kind: 'int8-static', activationType: 'int8' } });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'INT8_NO_DOT_PRODUCT', devices: [{ id: 'ef-pi-1', name: 'pi-1' }, { id: 'ef-pi-2', name: 'pi-2' }] });
    expect(r.warnings[0].detail).toContain('ran at 0.50×');
    expect(r.unreported).toEqual([{ id: 'ef-c', name: 'c-device' }, { id: 'ef-old', name: 'old-agent' }]);
  });

  it('gives one group per rule and board for FP16, and none for the float model', () => {
    const fp16 = checkFit(registry, store, fp16Id, ['ef-pi-1', 'ef-orin']);
    expect(fp16.warnings.map((w) => [w.code, w.devices.map((d) => d.id)])).toEqual([
      ['FP16_EMULATED', ['ef-pi-1']],
      ['FP16_PARTIAL', ['ef-orin']],
    ]);
    expect(checkFit(registry, store, floatId, ['ef-pi-1', 'ef-orin']).warnings).toEqual([]);
  });

  it('refuses an unknown model with MODEL_NOT_FOUND', () => {
    expect(() => checkFit(registry, store, 'm-nope', ['ef-pi-1'])).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
  });
});

describe('the active model on a device page', () => {
  it('finds the model by its hash and holds it against the board', () => {
    const device = store.upsert('ef-pi-2', { activeModel: { name: 'digits-fp16', version: '1', sha256: sha(2) } });
    const fit = activeModelFit(registry, device, { arch: device.arch, board: store.hardware('ef-pi-2')!.board });
    expect(fit).toMatchObject({ modelId: fp16Id, precision: { kind: 'fp16' }, warnings: [{ code: 'FP16_EMULATED' }] });
  });

  it('is null when nothing runs or the registry does not know the model', () => {
    const none = store.upsert('ef-orin', { activeModel: null });
    expect(activeModelFit(registry, none, { arch: 'arm64', board: null })).toBeNull();
    const foreign = store.upsert('ef-orin', { activeModel: { name: 'elsewhere', version: '9', sha256: sha(99) } });
    expect(activeModelFit(registry, foreign, { arch: 'arm64', board: null })).toBeNull();
  });
});
