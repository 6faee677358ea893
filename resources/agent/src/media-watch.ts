// Polls a folder where removable media mounts (RAUC's "automount units that trigger an installation",
// without the units): each site bundle found there is installed once, by the running agent itself, so the
// service never has to stop. A bundle that fails is not tried again by the watch (a person can, by hand).
import { toErrorData } from '../../../electron/core/api/errors.js';
import { installFromBundle, pendingBundles, type InstallParts } from './bundle-install.js';

export function watchMedia(p: InstallParts & { busy: () => boolean; log: (line: string) => void }, o: { dir: string; trustRoot: string | null; trialSec: number; everyMs?: number }): { close(): void } {
  let running = false;
  const failed = new Set<string>();
  const tick = async () => {
    // A console upload or trial in progress goes first; the bundle waits for the next poll.
    if (running || p.busy()) return;
    running = true;
    try {
      for (const dir of await pendingBundles(o.dir, p.dataDir)) {
        if (failed.has(dir)) continue;
        try {
          const r = await installFromBundle(p, { dir, trustRoot: o.trustRoot ?? undefined, trialSec: o.trialSec });
          p.log(`edgefleet-agent: bundle ${r.bundleId} from ${dir}: ${r.outcome}: ${r.detail}`);
        } catch (err) {
          failed.add(dir);
          const e = toErrorData(err);
          p.log(`edgefleet-agent: bundle in ${dir} not installed: ${e.title}: ${e.detail}`);
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), o.everyMs ?? 5000);
  timer.unref();
  void tick();
  return { close: () => clearInterval(timer) };
}
