// Site bundles: create and import throughput (MB/s) for a bundle carrying one large model, against a plain
// `tar` of the same file written and unpacked on the same disk (median of 3 each), and the bundle's
// overhead in bytes. Prints one JSON line.
// Usage: tsx scripts/bench/bundle-measure.ts [MiB (default 256)]
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../electron/core/audit/audit-store.js';
import { createBundle } from '../../electron/core/bundles/bundle-create.js';
import { importBundle } from '../../electron/core/bundles/bundle-import.js';
import { storeArtifact } from '../../electron/core/registry/artifact-store.js';
import { Registry } from '../../electron/core/registry/registry.js';
import { headFineTune, sampleModelPath } from '../../test/helpers/model-variants.js';

const mib = Number(process.argv[2] ?? 256);
const tmp = mkdtempSync(path.join(tmpdir(), 'ef-bundle-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (f: () => Promise<unknown> | unknown) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

try {
  // Incompressible bytes stand in for weights (neither path compresses).
  const file = path.join(tmp, 'weights.bin');
  const bytes = randomBytes(mib * 2 ** 20);
  writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const hq = path.join(tmp, 'hq');
  const registry = Registry.open(hq);
  await storeArtifact(hq, file);
  registry.addModel({ name: 'weights', sha256, sizeBytes: bytes.length, sourceFile: file, inspect: null });
  const model = registry.listModels()[0];
  const create: number[] = [];
  const imp: number[] = [];
  const tarC: number[] = [];
  const tarX: number[] = [];
  let bundleBytes = 0;
  for (let i = 0; i < 3; i++) {
    const out = path.join(tmp, `usb-${i}`);
    let fp = '';
    create.push(await time(async () => (fp = (await createBundle({ home: hq, registry, site: 'bench', models: [model], plan: null, agentArchs: [], expiresInDays: 30, outDir: out })).rootFingerprints[0].sha256)));
    bundleBytes = Number(execFileSync('du', ['-sb', out], { encoding: 'utf8' }).split('\t')[0]);
    const site = path.join(tmp, `site-${i}`);
    const siteReg = Registry.open(site);
    imp.push(await time(() => importBundle({ home: site, registry: siteReg, audit: new AuditLog(siteReg.db), actor: 'bench', dir: out, trustRoot: fp })));
    siteReg.close();
    const tarFile = path.join(tmp, `plain-${i}.tar`);
    tarC.push(await time(() => execFileSync('sh', ['-c', `tar -cf ${tarFile} -C ${tmp} weights.bin && sync -f ${tarFile}`])));
    const x = path.join(tmp, `x-${i}`);
    mkdirSync(x);
    tarX.push(await time(() => execFileSync('sh', ['-c', `tar -xf ${tarFile} -C ${x} && sync -f ${x}/weights.bin`])));
    rmSync(out, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
    rmSync(x, { recursive: true, force: true });
    rmSync(tarFile, { force: true });
  }
  registry.close();

  // A head-only fine-tune of the sample model, for a site whose last report shows the sample: delta vs full bundle.
  const ft = path.join(tmp, 'ft');
  const ftReg = Registry.open(ft);
  const base = await storeArtifact(ft, sampleModelPath);
  ftReg.addModel({ name: 'digits', sha256: base.sha256, sizeBytes: base.sizeBytes, sourceFile: null, inspect: null });
  const tuned = path.join(tmp, 'tuned.onnx');
  writeFileSync(tuned, headFineTune());
  const t = await storeArtifact(ft, tuned);
  ftReg.addModel({ name: 'digits', sha256: t.sha256, sizeBytes: t.sizeBytes, sourceFile: null, inspect: null });
  const target = ftReg.findBySha256(t.sha256)!;
  const sized = async (name: string, holds: Set<string>) => {
    const out = path.join(tmp, name);
    const c = await createBundle({ home: ft, registry: ftReg, site: 'bench', models: [target], plan: null, agentArchs: [], expiresInDays: 30, outDir: out, siteHolds: holds });
    return c.bytes;
  };
  const headOnlyDeltaBytes = await sized('ft-delta', new Set([base.sha256]));
  const headOnlyFullBytes = await sized('ft-full', new Set());
  ftReg.close();
  const mb = bytes.length / 1e6;
  const rate = (ms: number) => mb / (ms / 1000);
  process.stdout.write(
    `${JSON.stringify({
      modelBytes: bytes.length,
      bundleBytes,
      overheadBytes: bundleBytes - bytes.length,
      createMBps: rate(median(create)),
      importMBps: rate(median(imp)),
      tarCreateMBps: rate(median(tarC)),
      tarExtractMBps: rate(median(tarX)),
      createMs: median(create),
      importMs: median(imp),
      headOnlyDeltaBytes,
      headOnlyFullBytes,
    })}\n`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
