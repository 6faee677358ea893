// The device's half of enrolment: learn the broker CA from the enrolment listener (only a CA whose
// fingerprint the token names will do), make a key and a certificate request, log in with the
// token's one-time login over TLS checked against that CA, and ask until a signed answer comes. An
// answer counts only when it is for this request and signed by the console key the token pins: the
// broker, and anyone its ACL lets publish, can forge neither a certificate nor a refusal.
import { createHash, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import * as x509 from '@peculiar/x509';
import mqtt from 'mqtt';
import { AppError } from '../../../electron/core/api/errors.js';
import { enrolAnswerSchema, enrolTopics, enrolVersion, verifyEnrolAnswer, type EnrolGrant, type EnrolRequest, type EnrolToken } from '../../device-protocol/mqtt/enrol.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface EnrolResult {
  grant: EnrolGrant;
  keyPem: string;
}

export interface EnrolClientOptions {
  token: EnrolToken;
  deviceId: string;
  /** The rest of the request: what `pair` would give the console. */
  describe: () => Pick<EnrolRequest, 'pairToken' | 'certFingerprint' | 'info' | 'status'>;
  log: (line: string) => void;
  /** Silence after which the request goes out again (the console may start later than the device). */
  resendMs?: number;
}

const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port || 8883) };
}

/** The CA certificate (PEM) the enrolment listener presents in its chain, if its fingerprint is the token's. */
export function fetchBrokerCa(url: string, fingerprint: string, timeoutMs = 15_000): Promise<string> {
  const { host, port } = hostPort(url);
  return new Promise((resolve, reject) => {
    // Nothing is sent on this connection: it only reads the chain the broker presents.
    const sock = tls.connect({ host, port, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false });
    const timer = setTimeout(() => sock.destroy(new Error(`no TLS handshake within ${timeoutMs / 1000} s`)), timeoutMs);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      let c = sock.getPeerCertificate(true);
      const seen = new Set<string>();
      let found: Buffer | null = null;
      while (c?.raw && !seen.has(c.fingerprint256)) {
        seen.add(c.fingerprint256);
        if (sha256(c.raw) === fingerprint) found = c.raw;
        c = c.issuerCertificate;
      }
      sock.end();
      if (found) resolve(new X509Certificate(found).toString());
      else reject(new AppError('ENROL_BROKER_UNTRUSTED', 'Broker not trusted', `${url} does not present the broker CA the token names (SHA-256 ${fingerprint.slice(0, 16)}…). The token is for another broker, or something stands between the device and the broker.`));
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(new AppError('ENROL_BROKER_UNREACHABLE', 'Enrolment broker unreachable', `${url}: ${err.message}. Check that the broker runs and that the device can reach it.`));
    });
  });
}

/** A new EC P-256 key and a CSR for CN = the device id (enrolment and certificate rotation). */
export async function newKeyAndCsr(deviceId: string): Promise<{ keyPem: string; csrPem: string; spki: Buffer }> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${deviceId}`, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey);
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey as unknown as webcrypto.CryptoKey));
  return { keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), csrPem: csr.toString('pem'), spki };
}

/** Why a signed grant cannot be used by this device; null when it can. */
function grantProblem(grant: EnrolGrant, o: EnrolClientOptions, spki: Buffer): string | null {
  if (grant.deviceId !== o.deviceId) return `it is for device ${grant.deviceId}`;
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(grant.cert);
    ca = new X509Certificate(grant.ca);
  } catch {
    return 'its certificates are unreadable';
  }
  if (sha256(ca.raw) !== o.token.ca) return 'its CA is not the one the token names';
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'its certificate is not issued by that CA';
  if (cert.subject !== `CN=${o.deviceId}`) return `its certificate names ${cert.subject}`;
  if (!cert.publicKey.export({ type: 'spki', format: 'der' }).equals(spki)) return "its certificate is not for this device's key";
  return null;
}

export async function enrol(o: EnrolClientOptions): Promise<EnrolResult> {
  const caPem = await fetchBrokerCa(o.token.url, o.token.ca);
  const { keyPem, csrPem, spki } = await newKeyAndCsr(o.deviceId);
  const topics = enrolTopics(o.token.id);
  const request: EnrolRequest = { v: enrolVersion, id: randomBytes(16).toString('base64url'), token: o.token.id, secret: o.token.secret, deviceId: o.deviceId, csr: csrPem, ...o.describe() };
  const payload = JSON.stringify(request);
  const client = mqtt.connect(o.token.url, {
    protocolVersion: 5,
    clientId: o.token.id,
    username: o.token.id,
    password: o.token.pw,
    ca: caPem,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 15_000,
  });
  let lastError = '';
  return new Promise<EnrolResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(resend);
      client.end(true);
      fn();
    };
    const send = () => client.publish(topics.req, payload, { qos: 1, properties: { contentType: 'application/json' } }, (err) => err && o.log(`enrolment: publishing the request failed: ${err.message}`));
    const resend = setInterval(() => client.connected && send(), o.resendMs ?? 5000);
    client.on('error', (err) => {
      // A refused login may be a broker that has not read its password file since the token was made: keep trying.
      const hint = /not authorized|bad user name or password/i.test(err.message) ? ' — the broker has not loaded this token\'s login yet (reload it: kill -HUP PID, or systemctl reload mosquitto), or the token was used and removed' : '';
      if (err.message !== lastError) o.log(`enrolment: ${o.token.url}: ${err.message}${hint} (retrying)`);
      lastError = err.message;
    });
    client.on('connect', () => {
      lastError = '';
      client.subscribe(topics.res, { qos: 1 }, (err) => {
        if (err) return o.log(`enrolment: subscribing to ${topics.res} failed: ${err.message}`);
        o.log(`enrolment: asking ${o.token.url} for a certificate with token ${o.token.id}`);
        send();
      });
    });
    client.on('message', (topic, body) => {
      if (topic !== topics.res) return;
      try {
        onAnswer(body);
      } catch (err) {
        // Whatever arrives on the topic, the agent must not fall over.
        o.log(`enrolment: ignored an answer that could not be checked: ${(err as Error).message}`);
      }
    });
    const onAnswer = (body: Buffer) => {
      let parsed;
      try {
        parsed = enrolAnswerSchema.safeParse(JSON.parse(body.toString('utf8')));
      } catch {
        return o.log('enrolment: ignored an answer that is not JSON');
      }
      if (!parsed.success) return o.log('enrolment: ignored an answer of the wrong shape');
      const answer = parsed.data;
      if (answer.id !== request.id || answer.token !== o.token.id) return o.log('enrolment: ignored an answer to another request');
      if (!verifyEnrolAnswer(answer, o.token.consoleKey)) return o.log('enrolment: ignored an answer not signed by the console key the token names (forged, or from another console)');
      if (!answer.ok) return finish(() => reject(new AppError(answer.error.code, answer.error.title, answer.error.detail)));
      const problem = grantProblem(answer, o, spki);
      if (problem) return finish(() => reject(new AppError('ENROL_ANSWER_INVALID', 'Unusable enrolment answer', `The console's answer cannot be used: ${problem}.`)));
      finish(() => resolve({ grant: answer, keyPem }));
    };
  });
}
