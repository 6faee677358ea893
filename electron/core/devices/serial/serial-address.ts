// A serial device's address in the inventory: PATH@BAUD, e.g. /dev/ttyUSB0@921600.
import { AppError } from '../../api/errors.js';

export const defaultBaud = 921_600;

export function parseSerialAddress(address: string): { path: string; baudRate: number } {
  const at = address.lastIndexOf('@');
  const path = at > 0 ? address.slice(0, at) : address;
  const baudRate = at > 0 ? Number(address.slice(at + 1)) : defaultBaud;
  if (!path || !Number.isInteger(baudRate) || baudRate < 300 || baudRate > 12_000_000) {
    throw new AppError('SERIAL_ADDRESS_INVALID', 'Invalid serial address', `"${address}" is not PATH@BAUD (for example /dev/ttyUSB0@921600).`);
  }
  return { path, baudRate };
}

export function serialAddress(path: string, baudRate: number): string {
  return `${path}@${baudRate}`;
}
