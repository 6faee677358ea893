// The serial ports present, with their USB identity. Ports the OS does not list as serial hardware
// (a pty pair, a USB gadget's /dev/ttyGS0 on some kernels) can be named in EDGEFLEET_SERIAL_PORTS
// (comma-separated paths).
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { SerialPortInfo } from '../../api/types.js';

export async function listPorts(env: NodeJS.ProcessEnv = process.env): Promise<SerialPortInfo[]> {
  const found = await SerialPort.list().catch(() => []);
  const ports: SerialPortInfo[] = found.map((p) => ({
    path: p.path,
    vendorId: p.vendorId ?? null,
    productId: p.productId ?? null,
    manufacturer: p.manufacturer ?? null,
    serialNumber: p.serialNumber ?? null,
    state: 'unknown',
    detail: null,
    deviceId: null,
  }));
  for (const extra of (env.EDGEFLEET_SERIAL_PORTS ?? '').split(',').map((s) => s.trim())) {
    if (extra && existsSync(extra) && !ports.some((p) => p.path === extra)) {
      ports.push({ path: extra, vendorId: null, productId: null, manufacturer: null, serialNumber: null, state: 'unknown', detail: null, deviceId: null });
    }
  }
  return ports.sort((a, b) => a.path.localeCompare(b.path));
}

/** VID:PID as lsusb prints it, or null when the port has no USB identity. */
export function usbId(p: Pick<SerialPortInfo, 'vendorId' | 'productId'>): string | null {
  return p.vendorId && p.productId ? `${p.vendorId.toLowerCase()}:${p.productId.toLowerCase()}` : null;
}
