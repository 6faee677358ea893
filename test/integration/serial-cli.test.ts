// `edgefleet serial list|add` and `edgefleet deploy --device` for a device on USB serial: a real agent
// serving the link protocol behind the relayed pty cable, the CLI run from the sources, the deploy job
// in its worker thread opening the port itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSummary, SerialPortInfo } from '../../electron/core/api/types.js';
import { closePort, openPort } from '../../resources/device-protocol/serial/open-port.js';
import { matmulModelFile } from '../fixtures/onnx-models.js';
import { repoRoot, startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { SerialRelay } from '../helpers/serial-relay.js';

const baud = 2_000_000;
const home = mkdtempSync(join(tmpdir(), 'ef-serial-cli-'));
let relay: SerialRelay;
let agent: AgentProcess;

function edgefleet(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `const { main } = await import(${JSON.stringify(join(repoRoot, 'electron/cli/main.ts'))}); process.exitCode = await main(process.argv.slice(1)); setTimeout(() => process.exit(process.exitCode), 1000).unref();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args, '--home', home], {
      cwd: repoRoot,
      env: { ...process.env, EDGEFLEET_DISCOVERY: 'off', EDGEFLEET_SERIAL_PORTS: relay.consolePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  relay = await SerialRelay.start({ baud, seed: 'serial-cli' });
  agent = await startAgent({ args: ['--serial', relay.agentPath, '--baud', String(baud)] });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await relay?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('edgefleet serial', () => {
  it('lists the port; probing shows the agent, or busy while another program holds the port', async () => {
    const plain = await edgefleet('serial', 'list', '--json');
    expect(plain.code, plain.stderr).toBe(0);
    expect((JSON.parse(plain.stdout) as SerialPortInfo[]).find((p) => p.path === relay.consolePath)).toMatchObject({ state: 'unknown' });

    const probed = await edgefleet('serial', 'list', '--probe', '--baud', String(baud), '--json');
    expect(probed.code, probed.stderr).toBe(0);
    expect((JSON.parse(probed.stdout) as SerialPortInfo[]).find((p) => p.path === relay.consolePath)).toMatchObject({ state: 'agent' });

    const holder = await openPort(relay.consolePath, baud);
    try {
      const busy = await edgefleet('serial', 'list', '--probe', '--baud', String(baud));
      expect(busy.code, busy.stderr).toBe(0);
      expect(busy.stdout).toMatch(new RegExp(`${relay.consolePath}.*busy`));
    } finally {
      await closePort(holder);
    }
  }, 60_000);

  it('refuses a wrong code and a bad baud rate with exit code 2 and one line', async () => {
    const wrong = await edgefleet('serial', 'add', relay.consolePath, '--baud', String(baud), '--code', 'WRONG234');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Pairing refused/);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    const bad = await edgefleet('serial', 'add', relay.consolePath, '--baud', 'fast', '--code', 'X');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--baud must be a whole number/);
  }, 60_000);

  it('pairs the device on the port and deploys to it with --confirm through the deploy job', async () => {
    const added = await edgefleet('serial', 'add', relay.consolePath, '--baud', String(baud), '--code', agent.pairingCode!, '--json');
    expect(added.code, added.stderr).toBe(0);
    const device = JSON.parse(added.stdout) as DeviceSummary;
    expect(device).toMatchObject({ id: agent.deviceId, transport: 'serial', address: `${relay.consolePath}@${baud}`, paired: true });

    relay.faults = { ber: 1e-4 };
    try {
      const deployed = await edgefleet('deploy', matmulModelFile('serial-cli', 'serial-matmul.onnx'), '--device', device.id, '--confirm', '--max-latency', '10000', '--json');
      expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
      expect(deployed.stdout).toMatch(/confirmed/);
    } finally {
      relay.faults = {};
    }
    const list = await edgefleet('devices', '--json');
    const row = (JSON.parse(list.stdout) as DeviceSummary[]).find((d) => d.id === device.id)!;
    expect(row.activeModel?.name).toBe('serial-matmul');
    expect(row.slotState).toBe('confirmed');
  }, 120_000);
});
