// `bundle report-import` on the connected console: the copy is checked against SHA256SUMS, the wrapper
// against the site console's key (pinned on first import by its fingerprint), every device report against
// the certificate its site console pinned and its nonce. The same report twice changes nothing; another
// report that reuses a nonce is refused (Uptane's rule against replayed reports). Results become audit
// entries of completed offline installs, with their site.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors.js';
import type { AuditLog } from '../audit/audit-store.js';
import { checkSignedReport } from '../../../resources/device-protocol/device-report.js';
import { checkParts } from './bundle-parts.js';
import { keySha256, reportFile, reportSigFile, siteReportSchema, type SiteReport } from './site-report.js';

export interface ReportImportResult {
  report: SiteReport;
  already: boolean;
  /** Devices whose signed report checked out, and those that sent none or a bad one. */
  verified: string[];
  unverified: { deviceId: string; reason: string }[];
}

const refuse = (code: string, title: string, detail: string) => new AppError(code, title, detail);

export async function importSiteReport(o: { db: Database.Database; audit: AuditLog; actor: string; dir: string; trustSite?: string }): Promise<ReportImportResult> {
  const parts = await checkParts(o.dir);
  for (const f of [reportFile, reportSigFile]) if (!parts.some((p) => p.file === f)) throw refuse('BUNDLE_REPORT_INVALID', 'Not a report bundle', `${o.dir} lists no ${f}; point at the folder \`edgefleet bundle report -o\` wrote.`);
  const body = await fsp.readFile(path.join(o.dir, reportFile));
  const sig = Buffer.from((await fsp.readFile(path.join(o.dir, reportSigFile), 'utf8')).trim(), 'base64');
  let report: SiteReport;
  try {
    report = siteReportSchema.parse(JSON.parse(body.toString('utf8')));
  } catch (e) {
    throw refuse('BUNDLE_REPORT_INVALID', 'The report cannot be read', `${reportFile}: ${(e as Error).message.slice(0, 300)}`);
  }
  const fp = keySha256(report.consoleKeyPem);
  const known = o.db.prepare('SELECT key_sha256 FROM site_consoles WHERE site = ?').get(report.site) as { key_sha256: string } | undefined;
  if (!known) {
    const want = o.trustSite?.trim().toLowerCase();
    if (!want || !/^[0-9a-f]{16,64}$/.test(want) || !fp.startsWith(want)) {
      throw refuse('BUNDLE_REPORT_UNTRUSTED', `This console does not know site ${report.site}’s console yet`, `The report is signed by a console key with fingerprint ${fp}. Compare it with the one \`edgefleet bundle report\` printed at the site (by a channel other than the stick), then import with --trust-site <fingerprint>.`);
    }
  } else if (known.key_sha256 !== fp) {
    throw refuse('BUNDLE_REPORT_SIGNATURE', 'The report is signed by another console', `Site ${report.site}'s console key is ${known.key_sha256.slice(0, 16)}…; this report's is ${fp.slice(0, 16)}…. It did not come from that site's console.`);
  }
  if (!verify(null, body, createPublicKey(report.consoleKeyPem), sig)) {
    throw refuse('BUNDLE_REPORT_SIGNATURE', 'The report’s signature does not verify', `${reportFile} was changed after the site console signed it. Get the report again from the site.`);
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (o.db.prepare('SELECT 1 FROM site_reports WHERE sha256 = ?').get(sha256)) return { report, already: true, ...checkDevices(report) };
  const nonces = [report.id, ...report.devices.map((d) => d.nonce)];
  const used = nonces.find((n) => o.db.prepare('SELECT 1 FROM report_nonces WHERE nonce = ?').get(n));
  if (used) throw refuse('BUNDLE_REPORT_REPLAYED', 'The report reuses a nonce', `Nonce ${used.slice(0, 12)}… was in a report imported before, and this report is not that one: it was replayed or forged. Ask the site for a new report (\`edgefleet bundle report\`).`);
  const checked = checkDevices(report);
  const verifiedSet = new Set(checked.verified);
  o.db.transaction(() => {
    if (!known) o.db.prepare('INSERT INTO site_consoles (site, key_sha256, key_pem, trusted_at) VALUES (?, ?, ?, ?)').run(report.site, fp, report.consoleKeyPem, new Date().toISOString());
    o.db.prepare('INSERT INTO site_reports (id, site, sha256, created_at, imported_at, body) VALUES (?, ?, ?, ?, ?, ?)').run(report.id, report.site, sha256, report.createdAt, new Date().toISOString(), body.toString('utf8'));
    for (const n of nonces) o.db.prepare('INSERT INTO report_nonces (nonce, report_id) VALUES (?, ?)').run(n, report.id);
    const actor = `site:${report.site}`;
    for (const b of report.bundles) {
      for (const w of b.waves) {
        for (const d of w.devices) {
          const device = report.devices.find((x) => x.deviceId === d.deviceId);
          const active = device?.signed?.report.active;
          const proof = verifiedSet.has(d.deviceId) && active ? `; the device's signed report says it runs ${active.name} ${active.version} (${active.sha256.slice(0, 12)}…)` : '; no signed report from the device';
          o.audit.append({
            actor,
            action: 'device.offline-install',
            target: `device:${d.deviceId}`,
            params: { site: report.site, bundle: b.id, wave: w.name, rollout: w.rolloutId, model: `${w.model.name} v${w.model.version}`, sha256: w.model.sha256, phase: d.phase, reportedAt: report.createdAt },
            outcome: ['confirmed', 'trial'].includes(d.phase) ? 'succeeded' : 'failed',
            detail: `${w.model.name} v${w.model.version} at site ${report.site} (bundle ${b.id}, wave "${w.name}"): ${d.phase}${d.error ? ` (${d.error})` : ''}${proof}.`,
          });
        }
      }
    }
    o.audit.append({ actor: o.actor, action: 'bundle.report-import', target: `site:${report.site}`, params: { report: report.id, bundles: report.bundles.map((b) => b.id), devices: report.devices.length }, outcome: 'succeeded', detail: checked.unverified.length ? `${checked.unverified.length} device(s) without a verified report: ${checked.unverified.map((u) => u.deviceId).join(', ')}` : null });
  })();
  return { report, already: false, ...checked };
}

function checkDevices(report: SiteReport): { verified: string[]; unverified: { deviceId: string; reason: string }[] } {
  const verified: string[] = [];
  const unverified: { deviceId: string; reason: string }[] = [];
  for (const d of report.devices) {
    if (!d.signed) {
      unverified.push({ deviceId: d.deviceId, reason: d.error ?? 'no report' });
      continue;
    }
    const problems = checkSignedReport(d.signed, { certFingerprint: d.pinnedFingerprint, deviceId: d.deviceId, nonce: d.nonce });
    if (problems.length) unverified.push({ deviceId: d.deviceId, reason: problems.join('; ') });
    else verified.push(d.deviceId);
  }
  return { verified, unverified };
}
