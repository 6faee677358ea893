// An emulated RAPL package counter for an agent process: a copy of the recorded Intel laptop sysfs tree
// (test/fixtures/sysfs/intel-laptop) whose intel-rapl:0/energy_uj this test process keeps rewriting as
// idle power × wall time + active power × the agent's CPU time (utime + stime from /proc/PID/stat).
// Energy counters cannot exist on this VM; this stands in for the hardware only: the agent discovers
// it, reads it and measures with it exactly as on a board, and a model that does more work per
// inference costs more joules, as on real silicon. Wraps at the tree's max_energy_range_uj.
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './agent-process.js';

const zone = 'sys/class/powercap/intel-rapl:0';
/** USER_HZ: the unit of /proc/PID/stat's utime and stime on Linux. */
const clockTicks = 100;

export interface EmulatedRapl {
  /** The sysfs root to give the agent (EDGEFLEET_AGENT_SYSFS_ROOT). */
  root: string;
  /** Starts counting for this process. */
  attach(pid: number): void;
  close(): void;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / clockTicks;
}

export function emulatedRapl(opts: { idleW: number; activeW: number }): EmulatedRapl {
  const root = mkdtempSync(path.join(tmpdir(), 'ef-rapl-'));
  cpSync(path.join(repoRoot, 'test/fixtures/sysfs/intel-laptop'), root, { recursive: true });
  const file = path.join(root, zone, 'energy_uj');
  const range = Number(readFileSync(path.join(root, zone, 'max_energy_range_uj'), 'utf8'));
  const origin = Number(readFileSync(file, 'utf8'));
  let timer: NodeJS.Timeout | null = null;
  const write = (uj: number) => {
    // Whole files only: the agent never reads a half-written number.
    writeFileSync(`${file}.tmp`, `${Math.floor(uj % range)}\n`);
    renameSync(`${file}.tmp`, file);
  };
  return {
    root,
    attach(pid) {
      const t0 = performance.now();
      const cpu0 = cpuSeconds(pid);
      const tick = () => {
        try {
          const wallS = (performance.now() - t0) / 1000;
          write(origin + (opts.idleW * wallS + opts.activeW * (cpuSeconds(pid) - cpu0)) * 1e6);
        } catch {
          // The agent exited: the counter stops where it was.
        }
      };
      tick();
      timer = setInterval(tick, 10);
    },
    close() {
      if (timer) clearInterval(timer);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
