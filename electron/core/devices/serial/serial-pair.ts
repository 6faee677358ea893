// Pairing over serial: the same `pair` operation and one-time code as over the LAN; the device's
// token then authenticates every request on the wire. The inventory row has transport 'serial' and
// the address PATH@BAUD.
import type { DeviceSummary } from '../../api/types.js';
import type { DeviceContext } from '../device-context.js';
import { deviceError } from '../device-errors.js';
import { recordPaired } from '../record-paired.js';
import { serialAddress } from './serial-address.js';
import { SerialLink } from './serial-link.js';

export async function pairSerialDevice(ctx: DeviceContext, path: string, baudRate: number, code: string): Promise<DeviceSummary> {
  const address = serialAddress(path, baudRate);
  const key = await ctx.consoleKey();
  const pairing = new SerialLink({ path, baudRate, token: null, timeoutMs: 30_000 });
  let link: SerialLink | null = null;
  try {
    const { deviceId, token, certFingerprint } = await pairing.pair({ code, consolePublicKey: key.publicKeyPem, consoleName: ctx.consoleName() });
    await pairing.close();
    link = new SerialLink({ path, baudRate, token, timeoutMs: 30_000 });
    const info = await link.call('info');
    const status = await link.call('status');
    return recordPaired(ctx, deviceId, { transport: 'serial', address, fingerprint: certFingerprint, token }, info, status);
  } catch (err) {
    throw deviceError(err, address);
  } finally {
    await pairing.close();
    await link?.close();
  }
}
