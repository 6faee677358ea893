// run.sh, the watchdog of the release layout, with nothing but BusyBox (its sh and every tool it calls,
// as on Buildroot and Yocto boards with no GNU coreutils): PATH holds only busybox applets. Each case
// is a release layout whose `current` was just switched to a trial build B, with the marker the agent
// writes (upgrade-trial.ts); the builds are tiny scripts on the real node (node/bin/node links to it),
// so what is tested is run.sh itself: a build that exits at once is reverted, one that never confirms
// is killed at its deadline and reverted, one that confirms stays. The switch back is one rename(2)
// done by the restored build's node: `mv -T` is not POSIX, and older BusyBox and toybox builds lack it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/agent-process.js';

const busybox = '/bin/busybox';
const work = mkdtempSync(path.join(tmpdir(), 'ef-run-sh-busybox-'));
const applets = path.join(work, 'bin');
let running: ChildProcess | null = null;
let output = '';

beforeAll(() => {
  if (!existsSync(busybox)) throw new Error(`${busybox} is missing: apt-get install -y busybox (scripts/check-system.js lists it)`);
  mkdirSync(applets);
  const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const a of list) symlinkSync(busybox, path.join(applets, a));
});

afterEach(async () => {
  const p = running;
  running = null;
  if (p && p.exitCode === null && p.signalCode === null) {
    const exited = new Promise((r) => p.once('exit', r));
    process.kill(-p.pid!, 'SIGTERM');
    await exited;
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A release with run.sh and an agent.js; node/bin/node is the real node. */
function release(install: string, name: string, agentJs: string): void {
  const dir = path.join(install, 'releases', name);
  mkdirSync(path.join(dir, 'node', 'bin'), { recursive: true });
  copyFileSync(path.join(repoRoot, 'resources/agent/package/run.sh'), path.join(dir, 'run.sh'));
  symlinkSync(process.execPath, path.join(dir, 'node', 'bin', 'node'));
  writeFileSync(path.join(dir, 'agent.js'), agentJs);
}

/** An install just switched from A (1.0.0) to the trial build B (1.0.1), as agent-upgrade.ts leaves it. */
function trialInstall(name: string, trialAgent: string, deadlineSec = 60): string {
  const install = path.join(work, name);
  mkdirSync(install);
  release(install, 'A', "console.log('A up ' + process.argv.slice(2).join(' ')); setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0));\n");
  release(install, 'B', trialAgent);
  symlinkSync('releases/A', path.join(install, 'previous'));
  symlinkSync('releases/B', path.join(install, 'current'));
  const marker = { from: 'A', to: 'B', fromVersion: '1.0.0', toVersion: '1.0.1', deadline: Math.floor(Date.now() / 1000) + deadlineSec };
  writeFileSync(path.join(install, 'upgrade-trial.json'), `${JSON.stringify(marker)}\n`);
  return install;
}

function start(install: string): void {
  output = '';
  running = spawn(busybox, ['sh', path.join(install, 'current/run.sh'), '--data-dir', path.join(install, 'data'), '--port', '1'], { env: { PATH: applets }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  running.stderr!.on('data', (c: Buffer) => (output += c.toString()));
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (ok()) return;
  throw new Error(`no ${what} within ${ms} ms; run.sh said:\n${output}`);
}

const result = (install: string) => JSON.parse(readFileSync(path.join(install, 'upgrade-result.json'), 'utf8')) as { outcome: string; from: string; to: string; reason: string };

describe('run.sh under BusyBox alone', () => {
  it('PATH has no GNU tool: the sh, sed, ln and readlink run.sh calls are busybox applets', () => {
    for (const tool of ['sh', 'sed', 'ln', 'readlink', 'date', 'rm', 'sleep', 'dirname', 'basename']) {
      expect(readlinkSync(path.join(applets, tool)), tool).toBe(busybox);
    }
    const code = readFileSync(path.join(repoRoot, 'resources/agent/package/run.sh'), 'utf8').split('\n').filter((l) => !l.trim().startsWith('#'));
    expect(code.filter((l) => /\bmv\b/.test(l))).toEqual([expect.stringMatching(/mv "\$install\/upgrade-result\.json\.new"/)]);
  });

  it('a trial build that exits at once is reverted: current points back at A, which runs with the same options, and says why', async () => {
    const install = trialInstall('exits', 'process.exit(3);\n');
    start(install);
    await until('the revert and A running', () => /A up --data-dir/.test(output));
    expect(readlinkSync(path.join(install, 'current'))).toBe('releases/A');
    expect(result(install)).toMatchObject({ outcome: 'reverted', from: '1.0.0', to: '1.0.1', reason: 'the new build stopped (exit code 3) before it confirmed itself' });
    expect(output).toContain(`A up --data-dir ${path.join(install, 'data')} --port 1`);
    expect(existsSync(path.join(install, 'upgrade-trial.json'))).toBe(false);
    expect(existsSync(path.join(install, 'current.new'))).toBe(false);
  });

  it('a trial build that runs but never confirms is killed at its deadline and reverted', async () => {
    const install = trialInstall('hangs', "console.log('B up, never confirming'); setInterval(() => {}, 1000);\n", 3);
    start(install);
    await until('B started', () => output.includes('B up'));
    await until('the revert at the deadline', () => /A up/.test(output), 20_000);
    expect(readlinkSync(path.join(install, 'current'))).toBe('releases/A');
    expect(result(install)).toMatchObject({ outcome: 'reverted', reason: 'the new build did not confirm itself before its deadline' });
  });

  it('a trial build that confirms itself (removes the marker) stays current; A is not started', async () => {
    const confirm = "require('fs').rmSync(require('path').join(__dirname, '..', '..', 'upgrade-trial.json')); console.log('B confirmed'); setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0));\n";
    const install = trialInstall('confirms', confirm);
    start(install);
    await until('B confirmed', () => output.includes('B confirmed'));
    await new Promise((r) => setTimeout(r, 2500));
    expect(readlinkSync(path.join(install, 'current'))).toBe('releases/B');
    expect(output).not.toContain('A up');
    expect(existsSync(path.join(install, 'upgrade-result.json'))).toBe(false);
  });
});
