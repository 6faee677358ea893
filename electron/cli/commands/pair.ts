import type { DeviceSummary } from '../../core/api/types.js';
import { shortFingerprint } from '../../../resources/device-protocol/fingerprint.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

export const pairCommand: Command = {
  name: 'pair',
  usage: 'pair HOST:PORT --code CODE [--fingerprint "3F2A 9C1B 77E0 4D18"] [--json] [--home DIR]',
  summary: 'Pair with a device agent using the one-time code it shows; pins its certificate (checked first against --fingerprint)',
  options: { code: { type: 'string' }, fingerprint: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  optionDocs: {
    code: ['CODE', 'The one-time pairing code the agent shows'],
    fingerprint: ['HEX', "The agent's certificate fingerprint as it shows it; pairing stops when it does not match"],
  },
  async run({ values, positionals }) {
    const [address] = positionals;
    if (!address || positionals.length > 1) throw new UsageError('pair takes one HOST:PORT');
    if (typeof values.code !== 'string') throw new UsageError('pair needs --code CODE (shown by the device agent)');
    const fingerprint = typeof values.fingerprint === 'string' ? values.fingerprint : undefined;
    const core = openCore(values.home as string | undefined);
    try {
      const device = unwrap<DeviceSummary>(await core.call('devices.pair', { address, code: values.code, ...(fingerprint !== undefined ? { fingerprint } : {}) }));
      if (values.json) printJson(device);
      else {
        const short = device.fingerprint ? shortFingerprint(device.fingerprint) : '?';
        const trust = fingerprint
          ? 'It matches the fingerprint you gave with --fingerprint.'
          : 'First pairing trusts this certificate: compare this fingerprint with the one the device shows (it prints it next to its pairing code).';
        process.stdout.write(`Paired ${device.name} (${device.id}) at ${device.address}\nCertificate fingerprint: ${short} (SHA-256 ${device.fingerprint})\n${trust}\n`);
      }
    } finally {
      await core.close();
    }
  },
};
