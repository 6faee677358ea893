// The trust behind site bundles, below the CLI: keys rotated by TUF root versions (a site that trusts
// root v1 follows the chain), a threshold of targets signatures (one of two is refused), and device
// reports whose hash-chained event log shows any change.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tarStream from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-store.js';
import { createBundle } from '../../electron/core/bundles/bundle-create.js';
import { importBundle } from '../../electron/core/bundles/bundle-import.js';
import { materializeModel } from '../../electron/core/bundles/bundle-delta.js';
import { checkParts, readParts } from '../../electron/core/bundles/bundle-parts.js';
import { verifyMetadata } from '../../electron/core/bundles/bundle-trust.js';
import { initAuthority, rotateRole } from '../../electron/core/bundles/tuf-authority.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { Registry } from '../../electron/core/registry/registry.js';
import { checkSignedReport, eventHash, signReport, zeroHash, type DeviceReport } from '../../resources/device-protocol/device-report.js';
import { sampleModelPath } from '../helpers/agent-process.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'ef-bundle-trust-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

async function hqWithModel(name: string): Promise<{ home: string; registry: Registry }> {
  const home = path.join(scratch, name);
  const registry = Registry.open(home);
  const a = await storeArtifact(home, sampleModelPath);
  registry.addModel({ name: 'digits', sha256: a.sha256, sizeBytes: a.sizeBytes, sourceFile: null, inspect: null });
  return { home, registry };
}

async function bundleOf(hq: { home: string; registry: Registry }) {
  return createBundle({ home: hq.home, registry: hq.registry, site: 'plant-7', models: hq.registry.listModels(), plan: null, agentArchs: [], expiresInDays: 30, outDir: path.join(scratch, `b${++n}`) });
}

async function importAt(site: string, dir: string, trustRoot?: string) {
  const registry = Registry.open(site);
  try {
    return await importBundle({ home: site, registry, audit: new AuditLog(registry.db), actor: 'test', dir, trustRoot });
  } finally {
    registry.close();
  }
}

async function tufFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tarStream.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry as unknown as AsyncIterable<Buffer>) chunks.push(c);
      if (entry.header.name.startsWith('tuf/')) files.set(entry.header.name.slice(4), Buffer.concat(chunks));
    }
  })();
  readParts(dir, await checkParts(dir)).pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  return files;
}

describe('site bundle trust', () => {
  it('follows rotated targets and root keys from the root a site trusts', async () => {
    const hq = await hqWithModel('hq-rotate');
    const site = path.join(scratch, 'site-rotate');
    const first = await bundleOf(hq);
    await importAt(site, first.dir, first.rootFingerprints[0].sha256);
    await rotateRole(hq.home, 'targets');
    const second = await bundleOf(hq);
    expect((await importAt(site, second.dir)).already).toBe(false);
    await rotateRole(hq.home, 'root');
    const third = await bundleOf(hq);
    expect(third.rootFingerprints.map((r) => r.version)).toEqual([1, 2, 3]);
    expect((await importAt(site, third.dir)).already).toBe(false);
    const trusted = JSON.parse(readFileSync(path.join(site, 'bundles', 'trust', 'root.json'), 'utf8')) as { signed: { version: number } };
    expect(trusted.signed.version).toBe(3);
    hq.registry.close();
  });

  it('refuses targets signed by fewer keys than the threshold', async () => {
    const hq = await hqWithModel('hq-threshold');
    await initAuthority(hq.home, { targetsKeys: 2, targetsThreshold: 2, rootKeys: 1, rootThreshold: 1 });
    const b = await bundleOf(hq);
    const files = await tufFiles(b.dir);
    const targets = JSON.parse(files.get('targets.json')!.toString()) as { signatures: unknown[] };
    expect(targets.signatures.length).toBe(2);
    const site = path.join(scratch, 'site-threshold');
    const whole = await verifyMetadata({ home: site, files, trustRoot: b.rootFingerprints[0].sha256 });
    await whole.discard();
    targets.signatures = targets.signatures.slice(0, 1);
    const short = new Map(files).set('targets.json', Buffer.from(JSON.stringify(targets)));
    await expect(verifyMetadata({ home: site, files: short, trustRoot: b.rootFingerprints[0].sha256 })).rejects.toMatchObject({ code: 'BUNDLE_SIGNATURE', detail: expect.stringMatching(/signed by 1\/2 keys/) });
    hq.registry.close();
  });
});

describe('models carried as deltas', () => {
  it('refuses to rebuild without the base, naming the bundle to ask for', async () => {
    const meta = { sha256: 'a'.repeat(64), name: 'digits', version: 3, sizeBytes: 10, parentSha256: null, tags: [], recipe: null, metrics: null, calibrationSha256: null, delta: { base: 'b'.repeat(64), bytes: 4 } };
    const files = new Map([[`models/${'a'.repeat(64)}.efd`, path.join(scratch, 'nothing.efd')]]);
    await expect(materializeModel(meta, files, () => null, scratch)).rejects.toMatchObject({ code: 'BUNDLE_DELTA_BASE_MISSING', detail: expect.stringMatching(/--no-delta/) });
  });
});

describe('device reports', () => {
  it('verify with the pinned certificate, and name an event changed after logging', async () => {
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: 'dev-1' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as never);
    const { pemFingerprint } = await import('../../resources/device-protocol/fingerprint.js');
    const events = [];
    let prev = zeroHash;
    for (let seq = 1; seq <= 3; seq++) {
      const e = { seq, at: `2026-12-0${seq}T00:00:00.000Z`, kind: 'trial-started', detail: `v${seq}`, prev, hash: '' };
      e.hash = eventHash(prev, e);
      prev = e.hash;
      events.push(e);
    }
    const report: DeviceReport = { format: 'edgefleet-device-report-1', deviceId: 'dev-1', nonce: 'n'.repeat(24), seq: 1, at: new Date().toISOString(), latestVerifiedTime: null, release: 3, active: null, previous: null, trial: false, slots: { a: null, b: null }, events };
    const signed = signReport(report, pems.private, pems.cert);
    const fp = pemFingerprint(pems.cert);
    expect(checkSignedReport(signed, { certFingerprint: fp, deviceId: 'dev-1', nonce: 'n'.repeat(24) })).toEqual([]);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // The event log edited and the report signed again by the device: the chain still shows the edit.
    const edited = structuredClone(report);
    edited.events[1].detail = 'v9';
    expect(checkSignedReport(signReport(edited, pems.private, pems.cert), { certFingerprint: fp })).toEqual(['event 2 was changed after it was logged']);
    expect(checkSignedReport(signReport(report, other, pems.cert), { certFingerprint: fp })).toEqual(['the signature does not verify with the device certificate']);
    expect(checkSignedReport(signed, { certFingerprint: 'ab'.repeat(32), nonce: 'x'.repeat(24) })).toHaveLength(2);
  });
});
