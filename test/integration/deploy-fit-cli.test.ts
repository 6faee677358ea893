// `edgefleet deploy` warns on stderr when the variant needs instructions the board lacks, and deploys all
// the same (exit code 0): the built CLI against a real agent on this x86 machine and a real FP16 variant.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployResult, DeviceSummary, ModelSummary } from '../../electron/core/api/types.js';
import { infer, repoRoot, sampleModelPath, startAgent, type AgentProcess } from '../helpers/agent-process.js';

const bin = join(repoRoot, 'scripts', 'edgefleet.js');
const home = mkdtempSync(join(tmpdir(), 'ef-deploy-fit-'));
let agent: AgentProcess;

function edgefleet(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('edgefleet: warning:'));

beforeAll(async () => {
  agent = await startAgent({ name: 'fit-device' });
  const r = await edgefleet('pair', `127.0.0.1:${agent.port}`, '--code', agent.pairingCode!);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('edgefleet deploy with a variant the board does not suit', () => {
  it('deploys the float model without a warning', async () => {
    const r = await edgefleet('deploy', sampleModelPath, '--device', agent.deviceId, '--confirm', '--max-latency', '5000', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(warnings(r.stderr)).toEqual([]);
  });

  it('warns on stderr that FP16 is slower than float32 on this x86 board, and deploys it (exit 0)', async () => {
    const made = await edgefleet('convert', sampleModelPath, '--to', 'fp16', '-o', join(home, 'fp16.onnx'), '--json');
    expect(made.code, made.stderr).toBe(0);
    const variant = (JSON.parse(made.stdout) as { variant: ModelSummary }).variant;
    const r = await edgefleet('deploy', variant.id, '--device', agent.deviceId, '--confirm', '--max-latency', '5000', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = warnings(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`edgefleet: warning: FP16 runs slower than float32 on this board (fit-device ${agent.deviceId}): `);
    expect(lines[0]).toContain('x86 CPU');
    // The warning stays off stdout: --json output still parses, and the deploy went through.
    const result = JSON.parse(r.stdout) as DeployResult;
    expect(result.devices.map((d) => d.phase)).toEqual(['confirmed']);
    expect((await infer(agent.servePort)).status).toBe(200);
    const listed = await edgefleet('devices', '--json');
    expect((JSON.parse(listed.stdout) as DeviceSummary[])[0].activeModel).toMatchObject({ name: variant.name, sha256: variant.sha256 });
  });
});
