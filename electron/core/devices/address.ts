import { AppError } from '../api/errors.js';

export interface HostPort {
  host: string;
  port: number;
}

/** "host:port", "[v6]:port" → parts; the contract already checked the shape. */
export function parseAddress(address: string): HostPort {
  const m = /^\[?(.+?)\]?:(\d{1,5})$/.exec(address.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) {
    throw new AppError('ADDRESS_INVALID', 'Invalid address', `"${address}" is not host:port, e.g. 192.168.1.20:7443.`);
  }
  return { host: m[1], port };
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
