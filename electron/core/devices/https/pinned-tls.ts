// TLS to a device whose certificate is self-signed: trust comes from the SHA-256 fingerprint pinned
// at pairing, not from a CA. Node skips checkServerIdentity when chain verification already failed
// (always, for a self-signed certificate), so the pin is checked on the socket instead, and the
// socket reaches HTTP or WebSocket code only after it passed: no request byte (and no token) goes
// to a device that shows another certificate.
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { AppError } from '../../api/errors.js';
import { certFingerprint, normalizeFingerprint } from '../../../../resources/device-protocol/fingerprint.js';

export type CreateConnection = NonNullable<ClientRequestArgs['createConnection']>;

/**
 * One client context for every device connection: building one (with the CA store nobody uses here)
 * costs more than the handshake itself, and a rollout opens hundreds.
 */
let clientContext: tls.SecureContext | null = null;

/**
 * A `createConnection` for https.request and ws. `pinned` null accepts any certificate once
 * (first contact at pairing) and reports its fingerprint through `onPeer`.
 */
export function pinnedConnection(pinned: string | null, onPeer?: (fingerprint: string) => void): CreateConnection {
  const want = pinned ? normalizeFingerprint(pinned) : null;
  return (options, oncreate) => {
    const host = options.host ?? options.hostname ?? 'localhost';
    const socket = tls.connect({
      host,
      port: Number(options.port),
      rejectUnauthorized: false,
      secureContext: (clientContext ??= tls.createSecureContext()),
      ...(isIp(host) ? {} : { servername: host }),
    });
    const onError = (err: Error) => oncreate(err, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      const raw = socket.getPeerCertificate().raw;
      const got = raw ? certFingerprint(raw) : '';
      if (want && got !== want) {
        socket.destroy();
        oncreate(
          new AppError('DEVICE_FINGERPRINT_MISMATCH', 'Device certificate changed', `The device at ${host}:${options.port} shows certificate ${got.slice(0, 16)}… but ${want.slice(0, 16)}… was pinned at pairing. Another machine may answer at this address; pair the device again if it was reset.`),
          socket,
        );
        return;
      }
      onPeer?.(got);
      oncreate(null, socket as Duplex);
    });
    return undefined;
  };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
