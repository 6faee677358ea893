// The serial.* channels: list ports (probing them on request), probe one, pair a device on one.
import type { Handlers } from '../../api/dispatch.js';
import type { SerialPortInfo } from '../../api/types.js';
import type { DeviceContext } from '../device-context.js';
import { listPorts } from './port-list.js';
import { probePort } from './probe-port.js';
import { parseSerialAddress } from './serial-address.js';
import { pairSerialDevice } from './serial-pair.js';

type SerialChannels = 'serial.list' | 'serial.probe' | 'serial.add';

export function serialHandlers(deps: { ctx: DeviceContext }): Pick<Handlers, SerialChannels> {
  const { ctx } = deps;

  /** The paired device on this port, if any (matched by path, whatever baud it was added at). */
  const known = (path: string): string | null => ctx.store.list().find((d) => d.transport === 'serial' && safePath(d.address) === path)?.id ?? null;

  const probe = async (path: string, baud: number): Promise<Pick<SerialPortInfo, 'state' | 'detail'>> => probePort(path, baud);

  return {
    'serial.list': async ({ probe: doProbe, baud }) => {
      const ports = await listPorts();
      const out: SerialPortInfo[] = [];
      // One at a time: probes of ports on one USB hub disturb each other less.
      for (const p of ports) out.push({ ...p, deviceId: known(p.path), ...(doProbe ? await probe(p.path, baud) : {}) });
      return out;
    },
    'serial.probe': async ({ path, baud }) => {
      const listed = (await listPorts()).find((p) => p.path === path);
      const base: SerialPortInfo = listed ?? { path, vendorId: null, productId: null, manufacturer: null, serialNumber: null, state: 'unknown', detail: null, deviceId: null };
      return { ...base, deviceId: known(path), ...(await probe(path, baud)) };
    },
    'serial.add': ({ path, baud, code }) => pairSerialDevice(ctx, path, baud, code),
  };
}

function safePath(address: string): string | null {
  try {
    return parseSerialAddress(address).path;
  } catch {
    return null;
  }
}
