// Runs the real `edgefleet` CLI (electron/cli/main.ts through tsx) in a child process, as a user would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './agent-process.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function edgefleet(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/helpers/cli-entry.ts'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
