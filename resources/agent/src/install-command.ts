// `edgefleet-agent install DIR --data-dir D [--trust-root FP] [--model NAME[@V]] [--trial-sec N] [--clock-from-bundle]`:
// a bundle installed by hand on a device with no console. The service must be stopped first (as Mender's
// standalone install): two processes must never write the same slots.
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../../../electron/core/api/errors.js';
import { installFromBundle } from './bundle-install.js';
import { Deployment } from './deployment.js';
import { loadOrCreateIdentity } from './identity.js';
import { ModelRunner } from './model-runner.js';
import { SerialQueue } from './serial-queue.js';
import { SlotStore } from './slot-store.js';
import { Telemetry } from './telemetry.js';
import { UploadStore } from './upload-store.js';

export const installUsage = `Usage: edgefleet-agent install DIR --data-dir DATA [options]

  DIR                     the bundle folder (SHA256SUMS, bundle-info.json and the .part files)
  --data-dir DATA         the agent's data dir (stop the service first: systemctl stop edgefleet-agent)
  --trust-root FP         first bundle on this device: the authority's root fingerprint (from the connected console)
  --model NAME[@VERSION]  the model to install when the bundle's plan names no wave for this device
  --trial-sec N           healthy seconds before the new model is kept (default 60)
  --clock-from-bundle     accept a device clock behind the bundle's signing time
`;

export const pidFile = (dataDir: string) => path.join(dataDir, 'agent.pid');

/** Refuses when a live agent holds the data dir; otherwise claims it for this process. */
export async function claimDataDir(dataDir: string, what: string): Promise<void> {
  const file = pidFile(dataDir);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    let alive: boolean;
    try {
      alive = Number.isInteger(pid) && pid > 0 && pid !== process.pid && process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) throw new AppError('AGENT_RUNNING', 'The agent is running on this data dir', `Process ${pid} uses ${dataDir}. ${what}`);
  }
  await fsp.writeFile(file, `${process.pid}\n`);
}

export async function runInstallCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, 'trust-root': { type: 'string' }, model: { type: 'string' }, 'trial-sec': { type: 'string' }, 'clock-from-bundle': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(installUsage);
    return 0;
  }
  if (positionals.length !== 1 || !values['data-dir']) {
    process.stderr.write(`edgefleet-agent install: give the bundle folder and --data-dir\n${installUsage}`);
    return 2;
  }
  const trialSec = values['trial-sec'] === undefined ? 60 : Number(values['trial-sec']);
  if (!Number.isFinite(trialSec) || trialSec < 0 || trialSec > 86_400) {
    process.stderr.write('edgefleet-agent install: --trial-sec must be 0 to 86400 seconds\n');
    return 2;
  }
  const dataDir = path.resolve(values['data-dir']);
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await claimDataDir(dataDir, 'Stop it first (sudo systemctl stop edgefleet-agent), or copy the bundle into the folder it watches (--watch-media).');
  try {
    const identity = await loadOrCreateIdentity(dataDir);
    const store = await SlotStore.open(dataDir);
    const uploads = await UploadStore.open(dataDir, (sha256) => store.fileOf(sha256));
    const runner = new ModelRunner();
    const deployment = new Deployment(store, uploads, runner, new Telemetry(10), new SerialQueue(), () => undefined);
    await deployment.start();
    const result = await installFromBundle({ dataDir, identity, store, uploads, deployment }, { dir: path.resolve(positionals[0]), trustRoot: values['trust-root'], clockFromBundle: values['clock-from-bundle'], model: values.model, trialSec });
    deployment.close();
    await runner.swap(null);
    process.stdout.write(`${result.outcome}: ${result.detail}\nResult and signed device report: ${result.writtenTo}\n`);
    return result.outcome === 'reverted' ? 3 : 0;
  } finally {
    await fsp.rm(pidFile(dataDir), { force: true });
  }
}
