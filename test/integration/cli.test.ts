// The CLI as a user runs it: the built bin, a fresh --home, real files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../electron/core/api/types.js';
import { auditCsv } from '../../electron/core/audit/csv.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'scripts', 'edgefleet.js');
const sample = join(root, 'resources', 'models', 'mobilenetv2-digits', 'model.onnx');
const home = mkdtempSync(join(tmpdir(), 'ef-cli-'));

function edgefleet(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('edgefleet CLI', () => {
  it('prints its version', () => {
    const r = edgefleet('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('inspects the sample model as JSON with the documented fields', () => {
    const r = edgefleet('inspect', sample, '--json', '--home', home);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const field of ['irVersion', 'opsets', 'producer', 'inputs', 'outputs', 'nodeCount', 'opCounts', 'parameterCount', 'weightBytes', 'macs', 'loadable']) {
      expect(report, field).toHaveProperty(field);
    }
    expect(report.inputs[0]).toMatchObject({ name: 'input', elemType: 'FLOAT' });
    expect(report.inputs[0].shape.slice(1)).toEqual([3, 32, 32]);
    expect(typeof report.inputs[0].shape[0]).toBe('string');
    expect(report.loadable.ok).toBe(true);
    expect(report.macs.total).toBeGreaterThan(1e6);
  });

  it('answers bad input with exit code 2 and one line on stderr', () => {
    const junk = join(home, 'random.onnx');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    for (const args of [
      ['inspect', junk, '--home', home],
      ['inspect', join(home, 'missing.onnx'), '--home', home],
      ['profile', sample, '--runs', 'many', '--home', home],
      ['models', 'import', junk, '--home', home],
      ['frobnicate'],
      ['inspect', sample, '--no-such-flag'],
    ]) {
      const r = edgefleet(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^edgefleet: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // Nothing half-written reached the registry.
    expect(JSON.parse(edgefleet('models', 'list', '--json', '--home', home).stdout)).toEqual([]);
  });

  it('imports idempotently and profiles by registry id', () => {
    const first = JSON.parse(edgefleet('models', 'import', sample, '--json', '--home', home).stdout);
    const again = JSON.parse(edgefleet('models', 'import', sample, '--json', '--home', home).stdout);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.model.id).toBe(first.model.id);
    expect(first.model.name).toBe('mobilenetv2-digits');
    const list = JSON.parse(edgefleet('models', 'list', '--json', '--home', home).stdout);
    expect(list).toHaveLength(1);

    const r = edgefleet('profile', first.model.id, '--runs', '30', '--warmup', '3', '--json', '--home', home);
    expect(r.code).toBe(0);
    const profile = JSON.parse(r.stdout);
    expect(profile.modelId).toBe(first.model.id);
    expect(profile.options).toMatchObject({ runs: 30, warmup: 3 });
    const { p50, p95, p99 } = profile.latencyMs;
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    const shares = profile.rows.reduce((a: number, row: { share: number }) => a + row.share, 0);
    expect(shares).toBeCloseTo(1, 2);
    const stored = JSON.parse(edgefleet('profiles', 'list', '--json', '--home', home).stdout);
    expect(stored.map((p: { id: string }) => p.id)).toContain(profile.id);
  });

  it('keeps an audit trail of what changed, including refusals, exportable as JSON and CSV', () => {
    const entries = JSON.parse(edgefleet('audit', '--json', '--home', home).stdout) as { action: string; outcome: string; target: string; actor: string }[];
    const imports = entries.filter((e) => e.action === 'models.import');
    expect(imports.map((e) => e.outcome)).toContain('started');
    expect(entries.filter((e) => e.action === 'models.import.finished').map((e) => e.outcome)).toEqual(expect.arrayContaining(['succeeded', 'failed']));
    expect(entries.some((e) => e.action === 'profiling.run' && e.outcome === 'started')).toBe(true);
    expect(entries.every((e) => e.actor.startsWith('user:') && e.actor.endsWith('@cli'))).toBe(true);
    // Reads are not audited.
    expect(entries.some((e) => e.action === 'models.list')).toBe(false);
    // The CSV is the audit layout of csv.ts (tested in audit-csv.test.ts) of the same entries.
    const csv = edgefleet('audit', '--csv', '--action', 'models.import', '--home', home).stdout;
    const listed = JSON.parse(edgefleet('audit', '--json', '--action', 'models.import', '--home', home).stdout) as AuditEntry[];
    expect(listed).toHaveLength(imports.length);
    expect(csv).toBe(auditCsv(listed));
    expect(edgefleet('audit', '--json', '--csv', '--home', home).code).toBe(2);
  });
});
