import type { DeviceSummary } from '../../core/api/types.js';
import { DeviceContext } from '../../core/devices/device-context.js';
import { TelemetryFeed } from '../../core/devices/telemetry-feed.js';
import { intOption, openCore } from '../context.js';
import { UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';
import { devicesTable } from './devices.js';

export const demoCommand: Command = {
  name: 'demo',
  usage: 'demo [--devices N] [--home DIR]',
  summary: 'Start N real device agents on this machine, pair them, deploy the sample and load them (Ctrl-C stops)',
  options: { devices: { type: 'string' }, home: { type: 'string' } },
  optionDocs: { devices: ['N', 'Agents to start (default 4, at most 50)'] },
  async run({ values, positionals }) {
    if (positionals.length) throw new UsageError('demo takes no arguments');
    const count = intOption(values.devices as string | undefined, 'devices', 4, 1);
    if (count > 50) throw new UsageError('--devices must be at most 50');
    const core = openCore(values.home as string | undefined);
    let feed: TelemetryFeed | null = null;
    let timer: NodeJS.Timeout | null = null;
    try {
      process.stderr.write(`Starting ${count} demo agents, pairing them and deploying the sample model…\n`);
      const { devices } = unwrap<{ devices: DeviceSummary[] }>(await core.call('demo.start', { devices: count }));
      process.stdout.write(`${devicesTable(devices)}\n\nDemo fleet running (Ctrl-C to stop). Home: ${core.home}\n`);
      // The CLI core runs no telemetry feed of its own; the demo shows its devices' numbers moving.
      const ctx = new DeviceContext(core.home, core.registry, core.bus);
      feed = new TelemetryFeed(ctx);
      const ids = new Set(devices.map((d) => d.id));
      timer = setInterval(() => {
        const rows = ctx.store.list().filter((d) => ids.has(d.id));
        const requests = rows.reduce((a, d) => a + (d.telemetry?.requests ?? 0), 0);
        const p50 = rows.map((d) => d.telemetry?.latencyMs?.p50).filter((v): v is number => v !== undefined);
        const median = p50.length ? p50.sort((a, b) => a - b)[Math.floor(p50.length / 2)].toFixed(2) : '—';
        const health = rows.map((d) => d.health).join(' ');
        process.stdout.write(`${new Date().toLocaleTimeString()}  ${rows.length} agents  ${requests} requests served  p50 ${median} ms  health ${health}\n`);
      }, 5000);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      process.stderr.write('Stopping the demo fleet…\n');
    } finally {
      if (timer) clearInterval(timer);
      feed?.close();
      await core.close();
    }
  },
};
