// The report bundle a site carries back out: every paired device's own signed report (Uptane's version
// report: installed models, release counter, latest verified time, a hash-chained event log, the
// console's nonce) and the site's results per bundle wave and device, wrapped and signed with the site
// console's key. The connected console checks both layers before it records anything.
import { createHash, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../api/errors.js';
import type { DeviceContext } from '../devices/device-context.js';
import type { RolloutEngine } from '../rollouts/engine.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { checkSignedReport, signedReportSchema } from '../../../resources/device-protocol/device-report.js';
import { formatSums, sumsFile } from './bundle-parts.js';
import { BundleStore } from './bundle-store.js';
import { readTrustedSite } from './bundle-trust.js';

export const reportFile = 'site-report.json';
export const reportSigFile = 'site-report.sig';

const waveResultSchema = z.object({
  name: z.string(),
  model: z.object({ name: z.string(), version: z.number(), sha256: z.string() }),
  selector: z.string(),
  status: z.string(),
  rolloutId: z.string().nullable(),
  detail: z.string().nullable(),
  devices: z.array(z.object({ deviceId: z.string(), name: z.string(), phase: z.string(), error: z.string().nullable() })),
});

export const siteReportSchema = z.object({
  format: z.literal('edgefleet-site-report-1'),
  id: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/),
  site: z.string(),
  createdAt: z.string(),
  consoleKeyPem: z.string(),
  bundles: z.array(z.object({ id: z.string(), version: z.number(), waves: z.array(waveResultSchema) })),
  devices: z.array(
    z.object({
      deviceId: z.string(),
      name: z.string(),
      transport: z.string(),
      /** The certificate fingerprint the site console pinned at pairing. */
      pinnedFingerprint: z.string(),
      nonce: z.string(),
      signed: signedReportSchema.nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type SiteReport = z.infer<typeof siteReportSchema>;

export const keySha256 = (pem: string) => createHash('sha256').update(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex');

export interface CreateReportOptions {
  devices: DeviceContext;
  engine: RolloutEngine;
  outDir: string;
  /** Only these bundles' results (default: every imported bundle). */
  bundleIds?: string[];
  now?: Date;
}

export async function createSiteReport(o: CreateReportOptions): Promise<{ report: SiteReport; dir: string; keySha256: string }> {
  const site = readTrustedSite(o.devices.home);
  if (!site) throw new AppError('BUNDLE_NO_SITE', 'This console has imported no site bundle', 'A report bundle reports what site bundles did; import one first (`edgefleet bundle import`).');
  if (existsSync(o.outDir) && readdirSync(o.outDir).length) throw new AppError('BUNDLE_OUTPUT_NOT_EMPTY', 'Output folder is not empty', `${o.outDir} already holds files; give an empty or new folder.`);
  const store = new BundleStore(o.devices.registry.db);
  const bundles = store.list().filter((b) => !o.bundleIds || o.bundleIds.includes(b.id));
  if (o.bundleIds) for (const id of o.bundleIds) if (!bundles.some((b) => b.id === id)) throw new AppError('BUNDLE_NOT_FOUND', 'Bundle not imported', `No imported bundle has id ${id}; list them with \`edgefleet bundle list\`.`);
  const key = await o.devices.consoleKey();
  const devices: SiteReport['devices'] = [];
  for (const d of o.devices.store.list().filter((x) => x.paired)) {
    const nonce = randomBytes(18).toString('base64url');
    const pinned = d.fingerprint ?? '';
    let signed: SiteReport['devices'][number]['signed'] = null;
    let error: string | null = null;
    const link = (() => {
      try {
        return o.devices.link(d.id, 20_000);
      } catch (e) {
        error = e instanceof AppError ? `${e.title}: ${e.detail}` : String(e);
        return null;
      }
    })();
    if (link) {
      try {
        signed = await link.call('report', { nonce });
        const problems = checkSignedReport(signed, { certFingerprint: pinned, deviceId: d.id, nonce });
        if (problems.length) {
          error = `The device's report does not check out: ${problems.join('; ')}.`;
          signed = null;
        }
      } catch (e) {
        error = e instanceof AppError ? `${e.title}: ${e.detail}` : String(e);
      } finally {
        await link.close();
      }
    }
    devices.push({ deviceId: d.id, name: d.name, transport: d.transport, pinnedFingerprint: pinned, nonce, signed, error });
  }
  const report: SiteReport = {
    format: 'edgefleet-site-report-1',
    id: randomBytes(18).toString('base64url'),
    site: site.site,
    createdAt: (o.now ?? new Date()).toISOString(),
    consoleKeyPem: key.publicKeyPem,
    bundles: bundles.map((b) => ({
      id: b.id,
      version: b.version,
      waves: (b.plan?.waves ?? []).map((w, i) => {
        const st = b.waves[i];
        const detail = st?.rolloutId && o.engine.store.get(st.rolloutId) ? o.engine.detail(st.rolloutId) : null;
        return {
          name: w.name,
          model: w.model,
          selector: w.selector,
          status: st?.status ?? 'pending',
          rolloutId: st?.rolloutId ?? null,
          detail: st?.detail ?? null,
          devices: (detail?.devices ?? []).map((x) => ({ deviceId: x.id, name: x.name, phase: x.phase, error: x.error })),
        };
      }),
    })),
    devices,
  };
  const body = Buffer.from(`${JSON.stringify(report, null, 1)}\n`);
  const sig = Buffer.from(`${sign(null, body, key.privateKey).toString('base64')}\n`);
  mkdirSync(o.outDir, { recursive: true });
  await writeFileAtomic(path.join(o.outDir, reportFile), body);
  await writeFileAtomic(path.join(o.outDir, reportSigFile), sig);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  await writeFileAtomic(path.join(o.outDir, sumsFile), formatSums([{ file: reportFile, size: body.length, sha256: sha(body) }, { file: reportSigFile, size: sig.length, sha256: sha(sig) }]));
  return { report, dir: o.outDir, keySha256: keySha256(key.publicKeyPem) };
}
