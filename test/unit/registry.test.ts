import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InspectReport, ProfileResult } from '../../electron/core/api/types.js';
import { migrations } from '../../electron/core/registry/migrations.js';
import { artifactPath, storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { defaultHome, resolveHome } from '../../electron/core/registry/home.js';
import { Registry } from '../../electron/core/registry/registry.js';

const inspect: InspectReport = {
  format: 'onnx',
  fileBytes: 2_700_000,
  irVersion: 8,
  opsets: [{ domain: '', version: 13 }],
  producer: { name: 'pytorch', version: '1.13' },
  graphName: 'g',
  docString: '',
  metadata: {},
  inputs: [],
  outputs: [],
  nodeCount: 105,
  opCounts: { Conv: 52 },
  parameterCount: 700_000,
  weightBytes: { FLOAT: 2_800_000 },
  weightBytesTotal: 2_800_000,
  externalData: false,
  macs: { total: 0, perNode: [], unresolved: [] },
  loadable: { ok: true, error: null },
};

function profile(id: string, modelId: string | null, createdAt: string): ProfileResult {
  return {
    id,
    modelId,
    modelName: 'net v1',
    modelSha256: 'a'.repeat(64),
    device: { id: 'workstation', name: 'h', arch: 'x64', platform: 'linux', cpu: 'cpu' },
    runtime: { name: 'onnxruntime-node', version: '1.30.0' },
    options: { runs: 10, warmup: 1, threads: 0, input: 'random' },
    createdAt,
    latencyMs: { mean: 1, p50: 1, p95: 2, p99: 2, min: 0.5, max: 3 },
    peakMemoryBytes: 1e8,
    nodeTimeUs: 900,
    runTimeUs: 1000,
    rows: [{ name: 'c', opType: 'Conv', nodes: ['c'], fused: false, calls: 1, meanUs: 900, p50Us: 900, share: 1, outputShape: '1x2', provider: 'CPUExecutionProvider' }],
    opBreakdown: [{ opType: 'Conv', us: 900, share: 1, count: 1 }],
  };
}

let home: string;
let reg: Registry;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'registry-test-'));
  reg = Registry.open(home);
});
afterEach(() => {
  reg.close();
  rmSync(home, { recursive: true, force: true });
});

const sha = (c: string) => c.repeat(64);

describe('Registry', () => {
  it('refuses the name devices read as an agent build, and stores nothing', () => {
    expect(() => reg.addModel({ name: 'edgefleet-agent-build', sha256: sha('9'), sizeBytes: 1, sourceFile: null, inspect })).toThrow(expect.objectContaining({ code: 'MODEL_NAME_RESERVED' }));
    expect(reg.findBySha256(sha('9'))).toBeNull();
  });

  it('adds models idempotently by sha256 and versions by name', () => {
    const first = reg.addModel({ name: 'net', sha256: sha('a'), sizeBytes: 2_700_000, sourceFile: '/x/net.onnx', inspect, tags: ['digits'] });
    expect(first.created).toBe(true);
    expect(first.model).toMatchObject({ id: `m_${'a'.repeat(10)}`, name: 'net', version: 1, tags: ['digits'], profileCount: 0, parentId: null });
    expect(first.model.summary).toBe('opset 13 · 105 nodes · 0.70 M params · 2.7 MB');

    const again = reg.addModel({ name: 'other name', sha256: sha('a'), sizeBytes: 1, sourceFile: null, inspect });
    expect(again.created).toBe(false);
    expect(again.model.id).toBe(first.model.id);

    const v2 = reg.addModel({ name: 'net', sha256: sha('b'), sizeBytes: 10, sourceFile: null, inspect, parentId: first.model.id, recipe: { quantize: 'int8' }, calibrationSha256: sha('c') });
    expect(v2.model).toMatchObject({ version: 2, parentId: first.model.id, recipe: { quantize: 'int8' } });
    expect(reg.listModels().map((m) => m.version)).toEqual([2, 1]);
    expect(reg.findBySha256(sha('b'))?.id).toBe(v2.model.id);
    expect(reg.getModel(first.model.id)?.inspect?.nodeCount).toBe(105);
    expect(reg.getModel('m_missing')).toBeNull();
  });

  it('updates metrics', () => {
    const { model } = reg.addModel({ name: 'net', sha256: sha('a'), sizeBytes: 1, sourceFile: null, inspect });
    expect(reg.updateMetrics(model.id, { top1: 0.91 })?.metrics).toEqual({ top1: 0.91 });
    expect(reg.updateMetrics('m_nope', {})).toBeNull();
  });

  it('stores profiles and returns them whole, newest first', () => {
    const { model } = reg.addModel({ name: 'net', sha256: sha('a'), sizeBytes: 1, sourceFile: null, inspect });
    const p1 = profile('p1', model.id, '2026-01-01T00:00:00.000Z');
    const p2 = profile('p2', model.id, '2026-01-02T00:00:00.000Z');
    reg.saveProfile(p1);
    reg.saveProfile(p2);
    reg.saveProfile(profile('p3', null, '2026-01-03T00:00:00.000Z'));
    expect(reg.getProfile('p1')).toEqual(p1);
    expect(reg.listProfiles(model.id).map((p) => p.id)).toEqual(['p2', 'p1']);
    expect(reg.listProfiles().map((p) => p.id)).toEqual(['p3', 'p2', 'p1']);
    expect(reg.listProfiles(model.id)[0]).not.toHaveProperty('rows');
    expect(reg.getModel(model.id)?.profileCount).toBe(2);
    expect(reg.getModel(model.id)?.profiles).toHaveLength(2);
  });

  it('removes a model with its profiles and its artifact', async () => {
    const src = path.join(home, 'model.bin');
    writeFileSync(src, 'model bytes');
    const art = await storeArtifact(home, src, {});
    const { model } = reg.addModel({ name: 'net', sha256: art.sha256, sizeBytes: art.sizeBytes, sourceFile: src, inspect });
    reg.saveProfile(profile('p1', model.id, '2026-01-01T00:00:00.000Z'));
    expect(reg.removeModel(model.id)).toBe(true);
    expect(reg.getModel(model.id)).toBeNull();
    expect(reg.getProfile('p1')).toBeNull();
    expect(existsSync(art.path)).toBe(false);
    expect(reg.removeModel(model.id)).toBe(false);
  });

  it('keeps its data and schema version across reopening', () => {
    reg.addModel({ name: 'net', sha256: sha('a'), sizeBytes: 1, sourceFile: null, inspect });
    reg.close();
    reg = Registry.open(home);
    expect(reg.listModels()).toHaveLength(1);
    expect(reg.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(reg.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('artifact store', () => {
  it('stores content-addressed, skips existing copies and reports progress', async () => {
    const src = path.join(home, 'a.onnx');
    writeFileSync(src, 'hello');
    const seen: unknown[] = [];
    const art = await storeArtifact(home, src, { progress: (p) => seen.push(p) });
    expect(art.sha256).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(art.path).toBe(artifactPath(home, art.sha256));
    expect(art.path).toContain(path.join('artifacts', 'sha256', '2c', art.sha256));
    expect(seen.at(-1)).toMatchObject({ phase: 'reading', bytes: 5, totalBytes: 5, fraction: 1 });
    const again = await storeArtifact(home, src);
    expect(again).toEqual(art);
  });

  it('leaves no partial file when cancelled', async () => {
    const src = path.join(home, 'big.bin');
    writeFileSync(src, Buffer.alloc(3 << 20, 7));
    const ac = new AbortController();
    ac.abort();
    await expect(storeArtifact(home, src, { signal: ac.signal })).rejects.toThrow('Cancelled');
    const root = path.join(home, 'artifacts', 'sha256');
    expect(readdirSync(root, { recursive: true })).toEqual([]);
  });
});

describe('resolveHome', () => {
  it('prefers the flag, then EDGEFLEET_HOME, then the platform folder', () => {
    const flag = path.join(home, 'flag');
    expect(resolveHome(flag, { EDGEFLEET_HOME: path.join(home, 'env') })).toBe(flag);
    expect(existsSync(flag)).toBe(true);
    expect(resolveHome(undefined, { EDGEFLEET_HOME: path.join(home, 'env') })).toBe(path.join(home, 'env'));
    expect(defaultHome({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe(path.join('/cfg', 'EdgeFleet'));
    expect(defaultHome({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'EdgeFleet'));
    expect(defaultHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toContain('EdgeFleet');
  });
});
