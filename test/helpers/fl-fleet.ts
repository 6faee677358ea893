// Real agents for federated-learning tests: each gets its own slice of the NAB machine-temperature series
// (splitForDevices: contiguous periods, per-device gain and offset) as a CSV for --fl-data, is paired, and
// serves the sensor autoencoder deployed the way the console deploys (upload, activate, confirm).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentClient } from '../../electron/core/devices/https/agent-client.js';
import { parseNabCsv, splitForDevices, type SensorRow } from '../../resources/agent/src/federated/sensor-windows.js';
import { describeArtifact } from '../../resources/device-protocol/messages.js';
import { newConsole, newDataDir, pairWith, repoRoot, signed, startAgent, type AgentProcess, type Console } from './agent-process.js';

export const sensorModelPath = path.join(repoRoot, 'resources/models/sensor-autoencoder/model.onnx');
export const sensorModel = new Uint8Array(readFileSync(sensorModelPath));
export const sensorModelSha256 = describeArtifact(sensorModel, 'sensor-autoencoder', '1.0.0').sha256;
export const nabCsvPath = path.join(repoRoot, 'resources/datasets/nab-machine-temperature/machine_temperature_system_failure.csv');

export interface FlAgent {
  agent: AgentProcess;
  client: AgentClient;
  token: string;
  dataFile: string | null;
}

/** Rows as NAB CSV text (timestamp,value; UTC "YYYY-MM-DD HH:MM:SS"). */
export function nabCsv(rows: readonly SensorRow[]): string {
  const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
  return `timestamp,value\n${rows.map((r) => `${stamp(r.time)},${r.value}`).join('\n')}\n`;
}

/** One CSV file per device, written under a fresh temporary folder. */
export function writeDeviceSlices(count: number, seed = 7): string[] {
  const dir = newDataDir('ef-fl-data-');
  const rows = parseNabCsv(readFileSync(nabCsvPath, 'utf8'), nabCsvPath);
  return splitForDevices(rows, count, seed).map((d) => {
    const file = path.join(dir, `device-${d.device}.csv`);
    writeFileSync(file, nabCsv(d.rows));
    return file;
  });
}

/** Uploads, activates and confirms the sensor autoencoder on one agent. */
export async function deploySensorModel(client: AgentClient, konsole: Console, version = '1.0.0'): Promise<void> {
  await client.upload(sensorModel, signed(sensorModel, version, konsole.privateKey, 'sensor-autoencoder'));
  const act = await client.activate({ maxLatencyMs: 5000 });
  if (act.outcome !== 'trial') throw new Error(`the sensor autoencoder did not pass its health check: ${JSON.stringify(act.health)}`);
  await client.confirm();
}

/** Starts one agent per data file (null: no --fl-data), pairs each with one console, deploys the model to those with data. */
export async function startFlFleet(dataFiles: (string | null)[], konsole: Console = newConsole()): Promise<{ agents: FlAgent[]; console: Console }> {
  const agents = await Promise.all(
    dataFiles.map(async (dataFile, i): Promise<FlAgent> => {
      const agent = await startAgent({ name: `fl-device-${i}`, args: dataFile ? ['--fl-data', dataFile] : [] });
      const { client, token } = await pairWith(agent, konsole);
      if (dataFile) await deploySensorModel(client, konsole);
      return { agent, client, token, dataFile };
    }),
  );
  return { agents, console: konsole };
}

/** Little-endian float32 from base64. */
export function floatsOf(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

export function floatsToBase64(values: ArrayLike<number>): string {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i], i * 4);
  return bytes.toString('base64');
}
