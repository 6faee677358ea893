// Probes one serial port with the link protocol's HELLO at a baud rate. The port is opened with an
// exclusive lock, so a port another program holds is reported busy and left alone.
import type { SerialPortInfo } from '../../api/types.js';
import { toErrorData } from '../../api/errors.js';
import { SerialLink } from './serial-link.js';

export type ProbeResult = Pick<SerialPortInfo, 'state' | 'detail'>;

const states: Record<string, SerialPortInfo['state']> = {
  SERIAL_PORT_BUSY: 'busy',
  SERIAL_SILENT: 'silent',
  SERIAL_PORT_DENIED: 'denied',
  SERIAL_PORT_MISSING: 'gone',
};

export async function probePort(path: string, baudRate: number, handshakeMs = 1000): Promise<ProbeResult> {
  const link = new SerialLink({ path, baudRate, token: null, link: { handshakeMs } });
  try {
    await link.connect();
    return { state: 'agent', detail: null };
  } catch (err) {
    const e = toErrorData(err);
    return { state: states[e.code] ?? 'error', detail: e.detail };
  } finally {
    await link.close();
  }
}
