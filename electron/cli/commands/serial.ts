import type { DeviceSummary, SerialPortInfo } from '../../core/api/types.js';
import { parseSerialAddress } from '../../core/devices/serial/serial-address.js';
import { usbId } from '../../core/devices/serial/port-list.js';
import { formatCheck, formatChecklist } from '../../core/devices/serial/conformance/format-checklist.js';
import { allChecks, runConformance } from '../../core/devices/serial/conformance/run-conformance.js';
import { openCore } from '../context.js';
import { ExitStatus } from '../exit-status.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

export function portsTable(ports: SerialPortInfo[]): string {
  if (ports.length === 0) return 'No serial ports found. Plug the device in, or name extra ports in EDGEFLEET_SERIAL_PORTS.';
  const rows = ports.map((p) => [p.path, usbId(p) ?? '—', p.manufacturer ?? '—', p.serialNumber ?? '—', p.state, p.deviceId ?? '—']);
  const head = ['PORT', 'VID:PID', 'MANUFACTURER', 'SERIAL', 'STATE', 'DEVICE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function baudOf(value: unknown): number {
  if (value === undefined) return 921_600;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 300 || n > 12_000_000) throw new UsageError(`--baud must be a whole number from 300 to 12000000; got "${String(value)}"`);
  return n;
}

export const serialCommand: Command = {
  name: 'serial',
  usage: 'serial list [--probe] [--baud N] [--json] | serial add PATH --baud N --code CODE [--json] [--home DIR] | serial conformance PORT --code CODE [--baud N] [--only IDS] [--timeout SECONDS] [--json]',
  summary: 'USB serial devices: list ports with their USB identity (--probe asks each for the link protocol; busy ports are left alone), or pair the agent on a port',
  options: { json: { type: 'boolean' }, home: { type: 'string' }, baud: { type: 'string' }, code: { type: 'string' }, probe: { type: 'boolean' }, only: { type: 'string' }, timeout: { type: 'string' } },
  optionDocs: {
    probe: 'Ask each free port for the link protocol (busy ports are left alone)',
    baud: ['N', 'Baud rate (default 921600)'],
    code: ['CODE', 'The one-time pairing code the device shows (add, conformance)'],
    only: ['IDS', 'conformance: run only these checks (comma-separated ids; the handshake and pairing always run)'],
    timeout: ['SECONDS', 'conformance: how long to wait for each answer (default 20)'],
  },
  subcommands: [
    { name: 'list', usage: 'serial list [--probe] [--baud N] [--json] [--home DIR]', summary: 'List serial ports with their USB identity and whether a paired device is on them', options: ['probe', 'baud', 'json', 'home'] },
    { name: 'add', usage: 'serial add PATH --code CODE [--baud N] [--json] [--home DIR]', summary: 'Pair the device agent on a serial port', options: ['code', 'baud', 'json', 'home'] },
    {
      name: 'conformance',
      usage: 'serial conformance PORT --code CODE [--baud N] [--only IDS] [--timeout SECONDS] [--json]',
      summary: 'Check a device you built against the serial protocol: a checklist of every part, each failure with the field, the expected and the received value; exit 0 only when every required check passes. It pairs the device with a key of its own (use a fresh pairing code) and deploys small test models',
      options: ['code', 'baud', 'only', 'timeout', 'json'],
    },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    const baud = baudOf(values.baud);
    if (sub === 'list') {
      if (rest.length) throw new UsageError('serial list takes no arguments');
      const core = openCore(values.home as string | undefined);
      try {
        const ports = unwrap<SerialPortInfo[]>(await core.call('serial.list', { probe: values.probe === true, baud }));
        if (values.json) printJson(ports);
        else process.stdout.write(`${portsTable(ports)}\n`);
      } finally {
        await core.close();
      }
      return;
    }
    if (sub === 'add') {
      if (rest.length !== 1) throw new UsageError('serial add takes one PATH (for example /dev/ttyUSB0)');
      if (typeof values.code !== 'string') throw new UsageError('serial add needs --code CODE (shown by the device agent)');
      const path = rest[0].includes('@') ? parseSerialAddress(rest[0]).path : rest[0];
      const core = openCore(values.home as string | undefined);
      try {
        const device = unwrap<DeviceSummary>(await core.call('serial.add', { path, baud, code: values.code }));
        if (values.json) printJson(device);
        else process.stdout.write(`Paired ${device.name} (${device.id}) on ${device.address}\n`);
      } finally {
        await core.close();
      }
      return;
    }
    if (sub === 'conformance') {
      if (rest.length !== 1) throw new UsageError('serial conformance takes one PORT (for example /dev/ttyACM0)');
      if (typeof values.code !== 'string') throw new UsageError('serial conformance needs --code CODE: the one-time pairing code the device shows (the tester pairs with it)');
      const only = typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const unknown = only?.filter((id) => !allChecks.some((c) => c.id === id)) ?? [];
      if (unknown.length) throw new UsageError(`--only names unknown checks: ${unknown.join(', ')}; the checks are ${allChecks.map((c) => c.id).join(', ')}`);
      const timeoutS = values.timeout === undefined ? 20 : Number(values.timeout);
      if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 600) throw new UsageError(`--timeout is seconds from 1 to 600; got "${String(values.timeout)}"`);
      const path = rest[0].includes('@') ? parseSerialAddress(rest[0]).path : rest[0];
      if (!values.json) process.stdout.write(`Checking ${path} at ${baud} baud...\n`);
      const report = await runConformance({ path, baudRate: baud, code: values.code, only, timeoutMs: timeoutS * 1000, onCheck: values.json ? undefined : (c) => process.stdout.write(`${formatCheck(c).join('\n')}\n`) });
      if (values.json) printJson(report);
      else process.stdout.write(`\n${formatChecklist(report).split('\n').slice(-1)[0]}\n`);
      if (!report.passed) throw new ExitStatus(1);
      return;
    }
    throw new UsageError(sub ? `unknown serial subcommand "${sub}"` : 'serial needs a subcommand: list, add or conformance');
  },
};
