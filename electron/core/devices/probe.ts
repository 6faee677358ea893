// A look at an address before pairing: is an EdgeFleet agent there, which certificate does it show,
// and which device id does that certificate name. Needs no token.
import tls from 'node:tls';
import { AppError } from '../api/errors.js';
import { certFingerprint } from '../../../resources/device-protocol/fingerprint.js';
import { opPath } from '../../../resources/device-protocol/http/binding.js';
import type { HostPort } from './address.js';

export interface ProbeResult {
  deviceId: string;
  fingerprint: string;
}

export function probeAgent({ host, port }: HostPort, timeoutMs = 5000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }) });
    let peer: ProbeResult | null = null;
    let reply = '';
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(Object.assign(new Error('probe timed out'), { code: 'ETIMEDOUT' })));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const cn = cert.subject?.CN;
      peer = { deviceId: Array.isArray(cn) ? cn[0] : (cn ?? ''), fingerprint: cert.raw ? certFingerprint(cert.raw) : '' };
      socket.write(`GET ${opPath('info')} HTTP/1.1\r\nHost: device\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => (reply += c.toString('utf8')));
    socket.once('end', () => {
      socket.destroy();
      // An agent answers a request without a token with 401 and its error body.
      const isAgent = /^HTTP\/1\.[01] 401/.test(reply) && reply.includes('"UNAUTHORIZED"');
      if (!peer || !isAgent || !peer.deviceId.startsWith('ef-')) {
        reject(new AppError('NOT_AN_AGENT', 'No EdgeFleet agent at this address', `${host}:${port} answers TLS but not as an EdgeFleet device agent.`));
      } else resolve(peer);
    });
  });
}
