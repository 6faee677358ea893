// A counter the agent's user may not read, or one that is missing, gives "not available" with the
// reason and the fix, never a source that reads 0 W. The unreadable case is the real kernel answer:
// RAPL's energy_uj is 0400 root since Linux 5.10. Tests run as root here (and in CI), and root reads a
// 0400 file, so as root the reader runs in a child process as nobody (setpriv), where the kernel itself
// answers EACCES; as another user the file is made 0000. A reader that throws EACCES checks the same
// path without a second process.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEnergy, discoverEnergySources, type EnergyDiscovery } from '../../resources/agent/src/energy/discover-energy.js';
import { nodeSysfsReader, type SysfsReader } from '../../resources/agent/src/energy/sysfs-tree.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(repoRoot, 'test/fixtures/sysfs');
const counter = 'sys/class/powercap/intel-rapl:0/energy_uj';
const temps: string[] = [];

function copyTree(board: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ef-sysfs-${board}-`));
  temps.push(dir);
  // Traversable by nobody: only the counter's own mode stands between it and the reader.
  chmodSync(dir, 0o755);
  cpSync(path.join(fixtures, board), dir, { recursive: true });
  return dir;
}

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** discoverEnergySources(root) as a user that is not root, in its own process when this one is root. */
function discoverAsUnprivileged(root: string): EnergyDiscovery {
  if (process.getuid?.() !== 0) return discoverEnergySources(root);
  const module = path.join(repoRoot, 'resources/agent/src/energy/discover-energy.ts');
  const script = `const m = await import(${JSON.stringify(module)}); process.stdout.write(JSON.stringify(m.discoverEnergySources(${JSON.stringify(root)})));`;
  const res = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, HOME: '/nonexistent' },
  });
  if (res.status !== 0) throw new Error(`child as nobody failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as EnergyDiscovery;
}

describe('an unreadable RAPL counter', () => {
  it('is not available: the kernel refuses energy_uj (mode 0400 root), and the reason names CVE-2020-8694 and the udev rule', () => {
    const root = copyTree('rapl-root-only');
    chmodSync(path.join(root, counter), process.getuid?.() === 0 ? 0o400 : 0o000);
    const d = discoverAsUnprivileged(root);
    expect(d.best).toBeNull();
    expect(d.sources).toEqual([]);
    expect(d.unavailable).toEqual([
      {
        available: false,
        id: 'powercap:intel-rapl:0',
        name: 'RAPL package-0 (CPU package: cores, caches and uncore, not the board)',
        driver: 'powercap',
        reason: `${counter}: permission denied (EACCES). RAPL counters are readable only by root since Linux 5.10 (CVE-2020-8694, the PLATYPUS power side channel).`,
        fix: expect.stringContaining(`90-edgefleet-energy.rules`),
      },
    ]);
    expect(d.unavailable[0].fix).toContain(`sudo chgrp edgefleet ${path.join(root, counter)} && sudo chmod 0440 ${path.join(root, counter)}`);
  });

  it('the control: the same copy with the counter 0444 is read by the same unprivileged reader', () => {
    const root = copyTree('rapl-root-only');
    chmodSync(path.join(root, counter), 0o444);
    expect(discoverAsUnprivileged(root).best).toMatchObject({ id: 'powercap:intel-rapl:0', reading: { value: 84303262515 } });
  });

  it('a reader that throws EACCES for energy_uj gives the same answer in this process', () => {
    const denying: SysfsReader = {
      readdir: nodeSysfsReader.readdir,
      readFile(file) {
        if (file.endsWith('/energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
        return nodeSysfsReader.readFile(file);
      },
    };
    const d = discoverEnergySources(path.join(fixtures, 'intel-laptop'), denying);
    // The four RAPL zones are refused; the battery and the GPU counter, world-readable, remain.
    expect(d.unavailable.map((u) => u.id)).toEqual(['powercap:intel-rapl:0', 'powercap:intel-rapl:0:0', 'powercap:intel-rapl:0:1', 'powercap:intel-rapl:0:2']);
    expect(d.unavailable.every((u) => u.reason.includes('permission denied (EACCES)'))).toBe(true);
    expect(d.best?.id).toBe('battery:BAT0');
  });
});

describe('a missing counter', () => {
  it('a zone without energy_uj is not available, saying the file is missing', () => {
    const root = copyTree('rapl-root-only');
    rmSync(path.join(root, counter));
    const d = discoverEnergySources(root);
    expect(d.unavailable).toEqual([expect.objectContaining({ id: 'powercap:intel-rapl:0', reason: `${counter}: missing (ENOENT).` })]);
    expect(describeEnergy(d)).toMatch(/^Energy: not available\. RAPL package-0 .*missing \(ENOENT\)/);
  });

  it('a board with no energy files at all says not available, not 0 W', () => {
    const d = discoverEnergySources(path.join(fixtures, 'no-such-board'));
    expect(d).toEqual({ best: null, sources: [], unavailable: [] });
    expect(describeEnergy(d)).toBe('Energy: not available (this board has no energy counter or power sensor the kernel exposes).');
  });
});
