// Opens a serial port for the link protocol: raw 8N1 at the given baud rate, with an exclusive lock
// (flock) so that a port another program holds is reported busy rather than shared.
//
// The serialport binding opens, configures and locks the port, but its reader cannot run in a
// worker thread (serialport/node-serialport#2748: a fatal V8 locking error), and deploy jobs run in
// worker threads. So bytes move through a Node tty stream, which runs on whichever thread's event
// loop opened it, on a second descriptor of the same port: libuv reopens a tty it wraps and dup2()s
// over the descriptor it was given, which would drop the binding's lock.
import { EventEmitter } from 'node:events';
import { constants, openSync } from 'node:fs';
import tty from 'node:tty';
import type { SerialPort } from 'serialport';
import { AppError } from '../error-data.js';

export class PortConnection extends EventEmitter<{ data: [Buffer]; close: [Error | null] }> {
  private closed = false;

  constructor(
    readonly path: string,
    private readonly port: SerialPort,
    private readonly stream: tty.ReadStream,
  ) {
    super();
    stream.on('data', (b: Buffer) => this.emit('data', b));
    stream.on('error', (err) => this.end(err));
    stream.on('end', () => this.end(null));
    stream.on('close', () => this.end(null));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  write(bytes: Buffer): void {
    if (!this.closed) this.stream.write(bytes);
  }

  private end(err: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.destroy();
    this.port.close(() => undefined);
    this.emit('close', err);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.stream.destroy();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}

export async function openPort(path: string, baudRate: number): Promise<PortConnection> {
  // Loaded on first use: the agent bundle keeps serialport outside, and a LAN-only agent (an SSH
  // host's) ships without it.
  const { SerialPort } = await import('serialport');
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true, hupcl: false });
    port.open((err) => {
      if (err) return reject(portError(err, path));
      let fd: number;
      try {
        fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
      } catch (e) {
        port.close(() => undefined);
        return reject(portError(e as Error, path));
      }
      if (!tty.isatty(fd)) {
        port.close(() => undefined);
        return reject(new AppError('SERIAL_PORT_ERROR', 'Not a serial port', `${path} is not a terminal device, so it cannot carry the link protocol.`));
      }
      resolve(new PortConnection(path, port, new tty.ReadStream(fd)));
    });
  });
}

export function closePort(port: PortConnection): Promise<void> {
  return port.close();
}

export function portError(err: Error, path: string): AppError {
  const m = err.message;
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY/i.test(m)) {
    return new AppError('SERIAL_PORT_BUSY', 'Serial port in use', `Another program holds ${path}. Close it (a terminal, a flasher, another console) and try again.`);
  }
  if (/ENOENT|No such file/i.test(m)) {
    return new AppError('SERIAL_PORT_MISSING', 'Serial port not found', `${path} does not exist. Is the cable plugged in? "edgefleet serial list" shows the ports present.`);
  }
  if (/EACCES|Permission denied/i.test(m)) {
    return new AppError('SERIAL_PORT_DENIED', 'No permission for the serial port', `${path} cannot be opened by this user. Add the user to the group that owns it (often "dialout") and log in again.`);
  }
  return new AppError('SERIAL_PORT_ERROR', 'Serial port error', `${path}: ${m}`);
}
