// The device's half of certificate rotation (cert-request, cert-install), run by the MQTT binding
// because it changes the credentials the binding connects with. A certificate is installed only when
// it names this device, is for the pending key and is issued by the CA that comes with it; then the
// binding connects with the new pair, and only a connection the broker accepted makes it the pair in
// force. The CA may differ from the one trusted so far (a console that moved to a new CA): the request
// is signed by the console key pinned at pairing, and the new connection verifies the broker's server
// certificate with that CA, so a wrong CA can never leave the device without a connection.
import { createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import { AppError } from '../../../electron/core/api/errors.js';
import { certOps, type CertOp, type CertResponse } from '../../device-protocol/messages.js';
import { requestRefusal } from '../../device-protocol/protocol-error.js';
import { newKeyAndCsr } from './enrol-client.js';
import { commitRotation, dropPending, pendingPath, writePrivateAtomic, type TlsFiles } from './mqtt-cert-files.js';

export interface RotationHooks {
  /** <data dir>/mqtt; null: this binding cannot keep files (rotation unavailable). */
  dir: string | null;
  deviceId: string;
  /** The files the binding connects with now. */
  current(): TlsFiles;
  /** Connects with these files instead; null once connected, else why the broker refused (the binding is back on the old pair). */
  tryPair(files: Required<TlsFiles>): Promise<string | null>;
  /** The committed pair: the binding's current files from now on. */
  adopt(files: Required<TlsFiles>): void;
  log: (line: string) => void;
}

const lowerSerial = (cert: X509Certificate) => cert.serialNumber.toLowerCase();

function serialOfFile(file: string | undefined): string | null {
  try {
    return file ? lowerSerial(new X509Certificate(readFileSync(file))) : null;
  } catch {
    return null;
  }
}

export class CertRotation {
  private busy = false;

  constructor(private readonly h: RotationHooks) {}

  /** Validates the request with the operation's schema and runs it. */
  async handle<Op extends CertOp>(op: Op, request: unknown): Promise<CertResponse<Op>> {
    const schema = certOps[op].request;
    const parsed = schema.safeParse(request ?? {});
    if (!parsed.success) throw requestRefusal(op, parsed.error, request ?? {}, schema);
    const dir = this.dirOrRefuse();
    if (this.busy) throw new AppError('CERT_ROTATION_BUSY', 'Rotation under way', `${this.h.deviceId} is installing a certificate right now. Wait for it to finish, then try again.`);
    this.busy = true;
    try {
      if (op === 'cert-request') return (await this.request(dir)) as CertResponse<Op>;
      return (await this.install(dir, parsed.data as { cert: string; ca: string })) as CertResponse<Op>;
    } finally {
      this.busy = false;
    }
  }

  private dirOrRefuse(): string {
    const cur = this.h.current();
    if (!this.h.dir || !cur.certFile || !cur.keyFile) {
      throw new AppError(
        'CERT_ROTATION_UNAVAILABLE',
        'No client certificate to rotate',
        `${this.h.deviceId} connects to the broker without a client certificate (no --mqtt-cert/--mqtt-key and no enrolment), so there is nothing to rotate. Give it a certificate with \`edgefleet broker issue-device\` or enrol it with a token.`,
      );
    }
    return this.h.dir;
  }

  private async request(dir: string): Promise<CertResponse<'cert-request'>> {
    const { keyPem, csrPem } = await newKeyAndCsr(this.h.deviceId);
    await dropPending(dir);
    await writePrivateAtomic(pendingPath(dir, 'key'), keyPem);
    // An unreadable current certificate still rotates; the console then has no serial to revoke.
    const serial = serialOfFile(this.h.current().certFile);
    const current = serial ? { serial, notAfter: new Date(new X509Certificate(readFileSync(this.h.current().certFile!)).validTo).toISOString() } : null;
    this.h.log(`MQTT: made a new key and certificate request for ${this.h.deviceId} (kept pending until a certificate for it works)`);
    return { csr: csrPem, current };
  }

  private async install(dir: string, req: { cert: string; ca: string }): Promise<CertResponse<'cert-install'>> {
    const keyFile = pendingPath(dir, 'key');
    if (!existsSync(keyFile)) {
      throw new AppError('CERT_NO_PENDING_KEY', 'No certificate request pending', `${this.h.deviceId} holds no pending key (it restarted, or an earlier install used or refused it). Start the rotation again: cert-request first.`);
    }
    let cert: X509Certificate;
    let problem: AppError | null;
    try {
      cert = new X509Certificate(req.cert);
      problem = this.problem(cert, new X509Certificate(req.ca), readFileSync(keyFile, 'utf8'));
    } catch (err) {
      await dropPending(dir);
      throw new AppError('CERT_INSTALL_INVALID', 'Certificate unreadable', `The certificate or CA sent to ${this.h.deviceId} is not a PEM X.509 certificate (${(err as Error).message}). Nothing was changed.`);
    }
    if (problem) {
      // The pending key goes too: a rotation starts again with cert-request.
      await dropPending(dir);
      throw problem;
    }
    const previousSerial = serialOfFile(this.h.current().certFile);
    await fsp.writeFile(pendingPath(dir, 'cert'), req.cert);
    await fsp.writeFile(pendingPath(dir, 'ca'), req.ca);
    const pending = { keyFile, certFile: pendingPath(dir, 'cert'), caFile: pendingPath(dir, 'ca') };
    const refused = await this.h.tryPair(pending);
    if (refused !== null) {
      await dropPending(dir);
      this.h.log(`MQTT: the broker refused the new certificate (${refused}); back on the old one${previousSerial ? ` (serial ${previousSerial})` : ''}`);
      throw new AppError(
        'CERT_REFUSED_BY_BROKER',
        'The broker refused the new certificate',
        `${this.h.deviceId} could not connect with the new certificate (${refused}) and went back to its old one${previousSerial ? ` (serial ${previousSerial})` : ''}. Check that the broker trusts the CA that issued it.`,
      );
    }
    const serial = lowerSerial(cert);
    const record = await commitRotation(dir, serial);
    this.h.adopt(record);
    this.h.log(`MQTT: now on the new certificate (serial ${serial}, until ${new Date(cert.validTo).toISOString()}); the old one${previousSerial ? ` (serial ${previousSerial})` : ''} is no longer used`);
    return { serial, notAfter: new Date(cert.validTo).toISOString(), previousSerial };
  }

  /** Why this certificate cannot be this device's next one; null when it can. */
  private problem(cert: X509Certificate, ca: X509Certificate, keyPem: string): AppError | null {
    if (cert.subject !== `CN=${this.h.deviceId}`) {
      return new AppError('CERT_WRONG_DEVICE', 'Certificate for another device', `The certificate names ${cert.subject.replace(/\n/g, ', ')}, but this is ${this.h.deviceId}. Nothing was changed; the device stays on its certificate.`);
    }
    const pendingSpki = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
    if (!cert.publicKey.export({ type: 'spki', format: 'der' }).equals(pendingSpki)) {
      return new AppError('CERT_WRONG_KEY', 'Certificate for another key', `The certificate is not for the key ${this.h.deviceId} made at cert-request. Nothing was changed; the device stays on its certificate. Start the rotation again.`);
    }
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
      return new AppError('CERT_NOT_FROM_CA', 'Certificate not issued by the CA sent', `The certificate is not issued by the CA that came with it (${ca.subject.replace(/\n/g, ', ')}). Nothing was changed.`);
    }
    const now = Date.now();
    if (Date.parse(cert.validFrom) > now + 5 * 60_000 || Date.parse(cert.validTo) <= now) {
      return new AppError('CERT_NOT_VALID_NOW', 'Certificate not valid now', `The certificate is valid from ${cert.validFrom} to ${cert.validTo}; the device's clock reads ${new Date(now).toISOString()}. Set the device's time (NTP) or issue a new certificate.`);
    }
    return null;
  }
}
