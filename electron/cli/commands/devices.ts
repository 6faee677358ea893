import { AppError } from '../../core/api/errors.js';
import type { DeviceSummary } from '../../core/api/types.js';
import { protocolLogLimit, protocolLogPath, readExchanges } from '../../core/devices/protocol-log.js';
import type { Core } from '../../core/core.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

export function devicesTable(devices: DeviceSummary[]): string {
  if (devices.length === 0) return 'No devices yet. Pair one with `edgefleet pair HOST:PORT --code CODE`, or try `edgefleet demo`.';
  const rows = devices.map((d) => [
    d.id,
    d.name,
    d.address,
    d.paired ? d.state : `${d.state} (not paired)`,
    d.activeModel ? `${d.activeModel.name} ${d.activeModel.version}${d.slotState === 'trial' ? ' (trial)' : ''}` : '—',
    d.health,
    d.lastSeen ?? '—',
  ]);
  const head = ['ID', 'NAME', 'ADDRESS', 'STATE', 'MODEL', 'HEALTH', 'LAST SEEN'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export const devicesCommand: Command = {
  name: 'devices',
  usage: 'devices [--discover SECONDS] [--refresh] [--json] [--home DIR] | devices log DEVICE [--json] [--home DIR]',
  summary:
    "List the devices in the inventory: address, state, model, health, last seen. --discover browses mDNS for agents first; --refresh asks each paired device for its status and telemetry (a line on stderr per device that failed, exit 2). `devices log DEVICE` prints the device's protocol log: its last operations, each ok or with the error",
  options: { json: { type: 'boolean' }, home: { type: 'string' }, discover: { type: 'string' }, refresh: { type: 'boolean' } },
  optionDocs: {
    discover: ['SECONDS', 'Browse mDNS for agents this long first (0.5 to 120)'],
    refresh: 'Ask each paired device for its status and telemetry first; a device that fails gets a line on stderr (its error) and the exit code is 2',
  },
  async run({ values, positionals }) {
    if (positionals[0] === 'log') return printLog(positionals.slice(1), values);
    if (positionals.length) throw new UsageError(`devices takes no arguments but the subcommand log (got "${positionals[0]}")`);
    const seconds = values.discover === undefined ? null : Number(values.discover);
    if (seconds !== null && !(seconds >= 0.5 && seconds <= 120)) throw new UsageError(`--discover takes seconds between 0.5 and 120, got "${String(values.discover)}"`);
    const core = openCore(values.home as string | undefined);
    try {
      if (seconds !== null) unwrap(await core.call('devices.discover', { seconds }));
      const refreshed = values.refresh ? unwrap<DeviceSummary[]>(await core.call('devices.refresh', {})) : [];
      const devices = unwrap<DeviceSummary[]>(await core.call('devices.list', {}));
      if (values.json) printJson(devices);
      else process.stdout.write(devicesTable(devices) + '\n');
      // After a refresh a lastError is this refresh's: the devices that answered had theirs cleared.
      const failed = refreshed.filter((d) => d.lastError);
      for (const d of failed) process.stderr.write(`edgefleet: ${d.name} (${d.id}): ${d.lastError!.title}: ${d.lastError!.detail}\n`);
      if (failed.length) {
        throw new AppError('REFRESH_FAILED', 'Some devices could not be refreshed', `${failed.length} of ${refreshed.length} devices failed (above); the others were refreshed. Their protocol logs: edgefleet devices log DEVICE.`);
      }
    } finally {
      await core.close();
    }
  },
};

async function printLog(args: string[], values: Record<string, unknown>): Promise<void> {
  if (args.length !== 1) throw new UsageError('devices log takes one DEVICE (its id or name, as `edgefleet devices` lists it)');
  const core = openCore(values.home as string | undefined);
  try {
    const device = await findDevice(core, args[0]);
    const entries = readExchanges(core.home, device.id, protocolLogLimit);
    if (values.json) return printJson(entries);
    if (entries.length === 0) {
      process.stdout.write(`No exchanges with ${device.name} (${device.id}) logged yet: they are kept from the first refresh, deploy or page view on.\n`);
      return;
    }
    const lines = entries.map((e) => `${e.at}  ${e.op.padEnd(13)}  ${e.ok ? 'ok   ' : 'error'}  ${`${e.durationMs} ms`.padStart(8)}${e.error ? `  ${e.error.code}: ${e.error.title}: ${e.error.detail}` : ''}`);
    process.stdout.write(`${lines.join('\n')}\n(${entries.length} exchanges with ${device.name}, oldest first; ${protocolLogPath(core.home, device.id)})\n`);
  } finally {
    await core.close();
  }
}

async function findDevice(core: Core, key: string): Promise<DeviceSummary> {
  const devices = unwrap<DeviceSummary[]>(await core.call('devices.list', {}));
  const byId = devices.find((d) => d.id === key);
  if (byId) return byId;
  const named = devices.filter((d) => d.name === key);
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new AppError('DEVICE_AMBIGUOUS', 'More than one device has that name', `${named.length} devices are named "${key}": give the id instead (${named.map((d) => d.id).join(', ')}).`);
  throw new AppError('DEVICE_NOT_FOUND', 'Device not found', `No device with id or name "${key}" is in the inventory. List them with \`edgefleet devices\`.`);
}
