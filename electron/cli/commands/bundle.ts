// `edgefleet bundle create|inspect|import|run|continue|list|keys`: releases carried into sites with no
// network as signed files, and run there by the site's console.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { infoFile } from '../../core/bundles/bundle-create.js';
import type { BundleRecord } from '../../core/bundles/bundle-store.js';
import { initAuthority, loadAuthority, rotateRole } from '../../core/bundles/tuf-authority.js';
import { tufRoles, type TufRole } from '../../core/bundles/tuf-keys.js';
import { createHash } from 'node:crypto';
import { intOption, openCore } from '../context.js';
import { ExitStatus } from '../exit-status.js';
import { printJson, UsageError } from '../output.js';
import type { Command } from './command.js';

const subcommands = ['create', 'inspect', 'import', 'run', 'continue', 'list', 'report', 'report-import', 'keys'] as const;
type Sub = (typeof subcommands)[number];
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);

function waveLines(r: BundleRecord): string[] {
  return (r.plan?.waves ?? []).map((w, i) => {
    const st = r.waves[i];
    return `  wave ${i + 1} "${w.name}": ${w.model.name} v${w.model.version} → ${w.selector}  ${st?.status ?? 'pending'}${st?.rolloutId ? ` (rollout ${st.rolloutId})` : ''}${st?.detail ? `\n    ${st.detail}` : ''}`;
  });
}

function describe(r: BundleRecord): string {
  return [
    `${r.id}  site ${r.site}  v${r.version}  signed ${r.createdAt.slice(0, 16).replace('T', ' ')}  expires ${r.expires.slice(0, 10)}`,
    ...r.models.map((m) => `  model ${m.name} v${m.version} (${m.id})${m.created ? '' : ' (already here)'}`),
    ...r.agents.map((a) => `  agent build linux-${a.arch} ${a.agentVersion}: ${a.path}`),
    ...waveLines(r),
  ].join('\n');
}

/** Exit code of a plan that was run: 0 done, 3 held for a person or still running, 4 stopped. */
function planExit(r: BundleRecord): number {
  if (!r.plan) return 0;
  if (r.waves.some((w) => w.status === 'stopped')) return 4;
  return r.waves.every((w) => w.status === 'completed') ? 0 : 3;
}

export const bundleCommand: Command = {
  name: 'bundle',
  usage:
    'bundle create --site S [--plan PLAN.json] [--model M …] [--agent arm64,x64] [--expires-in-days 30] [--part-size BYTES] [--no-delta] -o DIR [--json] [--home DIR]\n' +
    '  bundle inspect DIR   bundle import DIR [--trust-root FINGERPRINT] [--clock-from-bundle] [--run [--wait]]\n' +
    '  bundle run|continue ID [--wait]   bundle list   bundle report -o DIR [--bundle ID …]   bundle report-import DIR [--trust-site FINGERPRINT]\n' +
    '  bundle keys init|rotate|show [--role R] [--key-dir DIR] [--root-keys N --root-threshold T --targets-keys N --targets-threshold T]',
  summary:
    'Site bundles for air-gapped sites: signed (The Update Framework: root, targets, snapshot, timestamp) files carried by hand, verified part by part before anything is unpacked, and their rollout plan run by the site console. ' +
    'Exit codes of run/continue/import --run: 0 plan done, 3 held for a person (or still running without --wait), 4 a wave stopped',
  options: {
    site: { type: 'string' },
    plan: { type: 'string' },
    model: { type: 'string', multiple: true },
    agent: { type: 'string' },
    'expires-in-days': { type: 'string' },
    'part-size': { type: 'string' },
    'no-delta': { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    'trust-root': { type: 'string' },
    'clock-from-bundle': { type: 'boolean' },
    run: { type: 'boolean' },
    bundle: { type: 'string', multiple: true },
    'trust-site': { type: 'string' },
    wait: { type: 'boolean' },
    role: { type: 'string' },
    'key-dir': { type: 'string' },
    'root-keys': { type: 'string' },
    'root-threshold': { type: 'string' },
    'targets-keys': { type: 'string' },
    'targets-threshold': { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    site: ['S', 'The site the bundle is for; a site console refuses bundles for another site'],
    plan: ['PLAN.json', 'Waves to run at the site: {"waves": [{"model", "target", "stages", "gates", "soakMs", "policy", "hold"}]}'],
    model: ['M', 'A registry model (id, name or NAME@VERSION) to carry besides the plan’s; repeatable or comma-separated'],
    agent: ['arm64,x64', 'Agent builds to carry, per architecture'],
    'expires-in-days': ['N', 'How long the bundle may take to reach the site and be installed (1–365, default 30)'],
    'part-size': ['BYTES', 'Largest part (default 4 GiB - 1, FAT32’s limit)'],
    'no-delta': 'Carry full models, even where the site’s last report shows a model to send a delta against',
    output: ['DIR', 'An empty folder for the parts, SHA256SUMS and bundle-info.json'],
    'trust-root': ['FINGERPRINT', 'First import only: the sha256 of the authority’s root, as `bundle create` printed it'],
    'clock-from-bundle': 'Accept a clock behind the bundle’s signing time; expiry is judged from the newest signed time (audited)',
    run: 'Start the plan after the import',
    bundle: ['ID', '`report`: only these bundles’ results (default: all imported); repeatable'],
    'trust-site': ['FINGERPRINT', 'First report from a site: the sha256 of its console key, as `bundle report` printed it there'],
    wait: 'Drive the plan’s rollouts until they settle or the plan holds',
    role: ['root|targets|snapshot|timestamp', 'The role whose keys `keys rotate` replaces'],
    'key-dir': ['DIR', '`keys init`: where the private keys go (e.g. removable media kept offline)'],
    'root-keys': ['N', '`keys init`: number of root keys (default 3)'],
    'root-threshold': ['T', '`keys init`: root signatures needed (default 2)'],
    'targets-keys': ['N', '`keys init`: number of targets keys (default 1)'],
    'targets-threshold': ['T', '`keys init`: targets signatures needed (default all)'],
  },
  subcommands: [
    { name: 'create', usage: 'bundle create --site S [--plan PLAN.json] [--model M …] [--agent arm64,x64] [--expires-in-days 30] [--part-size BYTES] [--no-delta] -o DIR [--json] [--home DIR]', summary: 'Write a signed site bundle into a folder, cut into parts; models the site’s last report shows a base for travel as deltas', options: ['site', 'plan', 'model', 'agent', 'expires-in-days', 'part-size', 'no-delta', 'output', 'json', 'home'] },
    { name: 'inspect', usage: 'bundle inspect DIR [--json]', summary: 'Show a bundle’s site, expiry and parts before carrying it (unverified: import verifies)', options: ['json'] },
    { name: 'import', usage: 'bundle import DIR [--trust-root FINGERPRINT] [--clock-from-bundle] [--run [--wait]] [--json] [--home DIR]', summary: 'Verify every part and signature, then register the models and record the plan', options: ['trust-root', 'clock-from-bundle', 'run', 'wait', 'json', 'home'] },
    { name: 'run', usage: 'bundle run ID [--wait] [--json] [--home DIR]', summary: 'Start or advance an imported bundle’s plan', options: ['wait', 'json', 'home'] },
    { name: 'continue', usage: 'bundle continue ID [--wait] [--json] [--home DIR]', summary: 'Go past a hold in the plan (a person’s go-ahead) and advance it', options: ['wait', 'json', 'home'] },
    { name: 'report', usage: 'bundle report -o DIR [--bundle ID …] [--json] [--home DIR]', summary: 'At the site: ask every paired device for its signed report, add the plans’ results, sign it all with this console’s key', options: ['output', 'bundle', 'json', 'home'] },
    { name: 'report-import', usage: 'bundle report-import DIR [--trust-site FINGERPRINT] [--json] [--home DIR]', summary: 'At the connected console: verify a site’s report and record its offline installs in the audit log (the same report twice changes nothing)', options: ['trust-site', 'json', 'home'] },
    { name: 'list', usage: 'bundle list [--json] [--home DIR]', summary: 'Imported bundles and the state of their plans', options: ['json', 'home'] },
    { name: 'keys', usage: 'bundle keys init|rotate|show [--role R] [--key-dir DIR] [--root-keys N --root-threshold T --targets-keys N --targets-threshold T] [--json] [--home DIR]', summary: 'The release authority’s signing keys: make them, rotate a role, show the root fingerprint', options: ['role', 'key-dir', 'root-keys', 'root-threshold', 'targets-keys', 'targets-threshold', 'json', 'home'] },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (!subcommands.includes(sub as Sub)) throw new UsageError(`bundle needs one of ${subcommands.join(', ')}`);
    const json = Boolean(values.json);
    if (sub === 'inspect') {
      if (rest.length !== 1) throw new UsageError('bundle inspect takes one DIR');
      let info: { site: string; id: string; createdAt: string; expires: string; version: number; parts: { file: string; size: number }[]; contents: { path: string; kind: string; bytes: number }[] };
      try {
        info = JSON.parse(readFileSync(path.join(rest[0], infoFile), 'utf8'));
      } catch {
        throw new UsageError(`${rest[0]} has no readable ${infoFile}; point at the folder \`bundle create -o\` wrote`);
      }
      const days = (Date.parse(info.expires) - Date.now()) / 86_400_000;
      if (json) return printJson({ ...info, daysLeft: days });
      process.stdout.write(
        [
          `${info.id}  site ${info.site}  v${info.version}`,
          `  signed ${info.createdAt}; expires ${info.expires} (${days >= 0 ? `${days.toFixed(1)} days left` : `EXPIRED ${(-days).toFixed(1)} days ago`})`,
          ...info.contents.map((c) => `  ${c.kind.padEnd(10)} ${c.path} (${mb(c.bytes)})`),
          `  ${info.parts.length} part(s), ${mb(info.parts.reduce((s, p) => s + p.size, 0))}; check a copy with: (cd DIR && sha256sum -c SHA256SUMS)`,
          '',
        ].join('\n'),
      );
      return;
    }
    const core = openCore(values.home as string | undefined);
    try {
      switch (sub as Sub) {
        case 'create': {
          if (rest.length) throw new UsageError('bundle create takes options only');
          if (typeof values.site !== 'string') throw new UsageError('bundle create needs --site S (the site the bundle is for)');
          if (typeof values.output !== 'string') throw new UsageError('bundle create needs -o DIR (an empty folder, e.g. on the USB stick)');
          const created = await core.bundles.create({
            site: values.site,
            models: list(values.model),
            planFile: typeof values.plan === 'string' ? values.plan : undefined,
            agentArchs: list(values.agent),
            expiresInDays: intOption(values['expires-in-days'] as string | undefined, 'expires-in-days', 30, 1),
            outDir: values.output,
            partSize: values['part-size'] === undefined ? undefined : intOption(values['part-size'] as string, 'part-size', 0, 1 << 20),
            noDelta: Boolean(values['no-delta']),
          });
          if (json) return printJson(created);
          const root = created.rootFingerprints[created.rootFingerprints.length - 1];
          process.stdout.write(
            [
              `Bundle ${created.header.id} for site ${created.header.site}: ${created.dir}`,
              `  ${created.parts.length} part(s), ${mb(created.bytes)}; expires ${created.header.expires} (${values['expires-in-days'] ?? 30} days)`,
              ...created.header.contents.map((c) => `  ${c.kind.padEnd(10)} ${c.path} (${mb(c.bytes)})`),
              `  root fingerprint (v${root.version}): ${root.sha256}`,
              `At the site, the first import needs that fingerprint, given by a channel other than the stick: edgefleet bundle import DIR --trust-root ${root.sha256.slice(0, 16)}`,
              '',
            ].join('\n'),
          );
          return;
        }
        case 'import': {
          if (rest.length !== 1) throw new UsageError('bundle import takes one DIR');
          if (values.wait && !values.run) throw new UsageError('--wait needs --run on import');
          const result = await core.bundles.import({ dir: rest[0], trustRoot: values['trust-root'] as string | undefined, clockFromBundle: Boolean(values['clock-from-bundle']) });
          let rec = result.bundle;
          if (!json) process.stdout.write(`${result.already ? 'Already imported (nothing changed): ' : 'Imported '}${describe(rec)}\n`);
          if (values.run && rec.plan) rec = await runPlanCli(core, rec.id, Boolean(values.wait), false, json);
          if (json) printJson({ ...rec, already: result.already });
          const code = values.run ? planExit(rec) : 0;
          if (code) throw new ExitStatus(code);
          return;
        }
        case 'run':
        case 'continue': {
          if (rest.length !== 1) throw new UsageError(`bundle ${sub} takes one bundle ID`);
          const rec = await runPlanCli(core, rest[0], Boolean(values.wait), sub === 'continue', json);
          if (json) printJson(rec);
          const code = planExit(rec);
          if (code) throw new ExitStatus(code);
          return;
        }
        case 'list': {
          const { site, bundles: all } = core.bundles.list();
          if (json) return printJson(all);
          process.stdout.write(site ? `This console serves site ${site.site} (root ${site.rootSha256.slice(0, 16)}…, trusted ${site.trustedAt.slice(0, 10)}).\n` : 'This console has imported no bundle.\n');
          for (const r of all) process.stdout.write(`${describe(r)}\n`);
          return;
        }
        case 'report': {
          if (rest.length) throw new UsageError('bundle report takes options only');
          if (typeof values.output !== 'string') throw new UsageError('bundle report needs -o DIR (an empty folder, e.g. on the USB stick)');
          const made = await core.bundles.report({ outDir: values.output, bundleIds: values.bundle === undefined ? undefined : list(values.bundle) });
          if (json) return printJson({ ...made.report, consoleKeySha256: made.keySha256 });
          const bad = made.report.devices.filter((d) => !d.signed);
          process.stdout.write(
            [
              `Report ${made.report.id} for site ${made.report.site}: ${made.dir}`,
              `  ${made.report.devices.length - bad.length} of ${made.report.devices.length} devices sent a signed report; ${made.report.bundles.length} bundle(s)`,
              ...bad.map((d) => `  ${d.name} (${d.deviceId}): ${d.error}`),
              `  site console key fingerprint: ${made.keySha256}`,
              `The connected console's first import from this site needs it: edgefleet bundle report-import DIR --trust-site ${made.keySha256.slice(0, 16)}`,
              '',
            ].join('\n'),
          );
          return;
        }
        case 'report-import': {
          if (rest.length !== 1) throw new UsageError('bundle report-import takes one DIR');
          const r = await core.bundles.importReport({ dir: rest[0], trustSite: values['trust-site'] as string | undefined });
          if (json) return printJson({ id: r.report.id, site: r.report.site, already: r.already, verified: r.verified, unverified: r.unverified });
          process.stdout.write(
            [
              `${r.already ? 'Already imported (nothing changed): ' : 'Imported '}report ${r.report.id} from site ${r.report.site} (${r.report.createdAt.slice(0, 16).replace('T', ' ')})`,
              `  ${r.verified.length} device report(s) verified${r.unverified.length ? `; ${r.unverified.length} not: ${r.unverified.map((u) => `${u.deviceId} (${u.reason})`).join('; ')}` : ''}`,
              ...r.report.bundles.flatMap((b) => b.waves.map((w) => `  ${b.id} wave "${w.name}": ${w.status}, ${w.devices.map((d) => `${d.name} ${d.phase}`).join(', ') || 'no devices'}`)),
              '',
            ].join('\n'),
          );
          return;
        }
        case 'keys':
          return await keys(core.home, rest, values, json);
      }
    } finally {
      await core.close();
    }
  },
};

async function runPlanCli(core: ReturnType<typeof openCore>, id: string, wait: boolean, proceed: boolean, json: boolean): Promise<BundleRecord> {
  let last = '';
  const rec = await core.bundles.run(id, {
    wait,
    proceed,
    onChange: (r) => {
      if (json) return;
      const line = waveLines(r).join('\n');
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    },
  });
  if (!json) process.stdout.write(`${describe(rec)}\n`);
  return rec;
}

async function keys(home: string, rest: string[], values: Record<string, unknown>, json: boolean): Promise<void> {
  const [action] = rest;
  const fingerprint = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  if (action === 'init') {
    const num = (k: string) => (values[k] === undefined ? undefined : intOption(values[k] as string, k, 1, 1));
    const a = await initAuthority(home, { keyDir: values['key-dir'] as string | undefined, rootKeys: num('root-keys'), rootThreshold: num('root-threshold'), targetsKeys: num('targets-keys'), targetsThreshold: num('targets-threshold') });
    const root = a.rootFiles[a.rootFiles.length - 1];
    if (json) return printJson({ keyDir: a.keyDir, rootVersion: root.version, rootSha256: fingerprint(root.bytes) });
    process.stdout.write(`Release authority made: keys in ${a.keyDir}\n  root v${root.version} fingerprint ${fingerprint(root.bytes)}\n  Keep the root keys offline (move them to removable media and back when rotating).\n`);
    return;
  }
  if (action === 'rotate') {
    const role = values.role as TufRole | undefined;
    if (!role || !tufRoles.includes(role)) throw new UsageError(`bundle keys rotate needs --role ${tufRoles.join('|')}`);
    const a = await rotateRole(home, role);
    const root = a.rootFiles[a.rootFiles.length - 1];
    if (json) return printJson({ role, rootVersion: root.version, rootSha256: fingerprint(root.bytes) });
    process.stdout.write(`New ${role} keys in root v${root.version} (${fingerprint(root.bytes)}); sites that trust an earlier root accept it from the next bundle on.\n`);
    return;
  }
  if (action === 'show') {
    const a = loadAuthority(home);
    if (!a) throw new UsageError('this console has no bundle signing keys yet (`bundle keys init`, or the first `bundle create` makes them)');
    const roots = a.rootFiles.map((r) => ({ version: r.version, sha256: fingerprint(r.bytes) }));
    if (json) return printJson({ keyDir: a.keyDir, roots, roles: Object.fromEntries(tufRoles.map((r) => [r, { keys: a.root.signed.roles[r].keyIDs.length, threshold: a.root.signed.roles[r].threshold, readable: a.keys[r].length }])) });
    process.stdout.write([`Keys in ${a.keyDir}`, ...roots.map((r) => `  root v${r.version}: ${r.sha256}`), ...tufRoles.map((r) => `  ${r}: ${a.root.signed.roles[r].threshold} of ${a.root.signed.roles[r].keyIDs.length} keys (${a.keys[r].length} readable here)`), ''].join('\n'));
    return;
  }
  throw new UsageError('bundle keys needs init, rotate or show');
}
