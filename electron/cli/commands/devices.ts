import type { DeviceSummary } from '../../core/api/types.js';
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
  usage: 'devices [--discover SECONDS] [--refresh] [--json] [--home DIR]',
  summary: 'List the devices in the inventory: address, state, model, health, last seen. --discover browses mDNS for agents first; --refresh asks each paired device for its status and telemetry',
  options: { json: { type: 'boolean' }, home: { type: 'string' }, discover: { type: 'string' }, refresh: { type: 'boolean' } },
  optionDocs: {
    discover: ['SECONDS', 'Browse mDNS for agents this long first (0.5 to 120)'],
    refresh: 'Ask each paired device for its status and telemetry first',
  },
  async run({ values, positionals }) {
    if (positionals.length) throw new UsageError('devices takes no arguments');
    const seconds = values.discover === undefined ? null : Number(values.discover);
    if (seconds !== null && !(seconds >= 0.5 && seconds <= 120)) throw new UsageError(`--discover takes seconds between 0.5 and 120, got "${String(values.discover)}"`);
    const core = openCore(values.home as string | undefined);
    try {
      if (seconds !== null) unwrap(await core.call('devices.discover', { seconds }));
      if (values.refresh) unwrap(await core.call('devices.refresh', {}));
      const devices = unwrap<DeviceSummary[]>(await core.call('devices.list', {}));
      if (values.json) printJson(devices);
      else process.stdout.write(devicesTable(devices) + '\n');
    } finally {
      await core.close();
    }
  },
};
