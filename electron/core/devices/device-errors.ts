// Errors from talking to a device, in words a person can act on.
import { AppError, toErrorData } from '../api/errors.js';

// Network errors, and the serial link's: the port went away, or nothing answers on it.
const unreachableCodes = ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'SERIAL_LINK_LOST', 'SERIAL_PORT_MISSING', 'SERIAL_SILENT', 'SERIAL_CLOSED', 'BROKER_UNREACHABLE'];

export function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && unreachableCodes.includes(code);
}

/** Maps a failure of a call to the device at `address` to an AppError with a human title. */
export function deviceError(err: unknown, address: string): AppError {
  const data = toErrorData(err);
  if (isUnreachable(err)) {
    // A link's own error already says what it knows (which broker, which port): keep its words.
    if (err instanceof AppError) return new AppError('DEVICE_UNREACHABLE', 'Device not reachable', err.detail);
    return new AppError('DEVICE_UNREACHABLE', 'Device not reachable', `Nothing answered at ${address} (${data.code}). Check that the device is on, the agent runs, and the address is right.`);
  }
  if (data.code === 'PAIRING_CODE_INVALID') {
    return new AppError(data.code, 'Pairing refused: the code is wrong or was already used — read the new code on the device', data.detail);
  }
  if (data.code === 'DEVICE_FINGERPRINT_MISMATCH') {
    return new AppError(
      data.code,
      "Certificate changed: the device's certificate does not match the pinned one",
      `${data.detail} If the device was reset on purpose, remove it and pair it again.`,
    );
  }
  if (data.code === 'UNAUTHORIZED') {
    return new AppError(data.code, 'Device refused the console', `The device at ${address} no longer accepts this console's token (it may have been paired with another console). Pair it again.`);
  }
  return err instanceof AppError ? err : new AppError(data.code, data.title, data.detail);
}
