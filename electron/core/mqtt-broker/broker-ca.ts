// The console's own certificate authorities for its broker fleet: the device CA in <home>/mqtt-ca/
// (the broker's server certificate and every device certificate) and the console CA in
// <home>/mqtt-console-ca/ (console client certificates only, trusted by the broker's console listener
// alone, so a device certificate can never connect where client ids are free). Each is an EC P-256
// key and self-signed certificate, the index of every certificate it issued, and the CRL it derives
// from that index. P-256 rather than ed25519 because every TLS stack a device may carry (mbedTLS,
// wolfSSL, AWS IoT Core, EMQX) accepts ECDSA P-256 client certificates.
import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, promises as fsp } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { isTopicId } from '../../../resources/device-protocol/mqtt/topics.js';
import { AppError } from '../api/errors.js';
import { privateDirMode, privateFileMode } from '../registry/home-modes.js';
import { fsyncDir, writeFileAtomic } from '../util/atomic-write.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const keyAlg = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signAlg = { name: 'ECDSA', hash: 'SHA-256' } as const;
const day = 86_400_000;

/** Lifetimes in days: the CA outlives many device certificates; devices rotate yearly. */
export const lifetimeDays = { ca: 3650, server: 730, device: 365, console: 365 } as const;

/** Console identities are `efc-…`; a device id may never take that prefix, or it would get a console's ACL. */
export const consolePrefix = 'efc-';

export type CertKind = 'server' | 'device' | 'console';

/** Which of the two CAs: each issues only its own kinds. */
export type CaRole = 'device' | 'console';

const roleKinds: Record<CaRole, readonly CertKind[]> = { device: ['server', 'device'], console: ['console'] };
const roleNames: Record<CaRole, string> = { device: 'EdgeFleet broker CA', console: 'EdgeFleet console CA' };

export interface IssuedRecord {
  serial: string;
  cn: string;
  kind: CertKind;
  notBefore: string;
  notAfter: string;
  revokedAt?: string;
}

interface CaIndex {
  version: 1;
  /** The site broker folder written by `broker init`, whose CRL `revoke` refreshes. */
  brokerDir?: string;
  issued: IssuedRecord[];
}

export interface IssuedCert {
  cn: string;
  serial: string;
  notAfter: Date;
  certPem: string;
  /** Absent when the certificate was made for a CSR: the key never left the device. */
  keyPem?: string;
}

export function caFolder(home: string, role: CaRole = 'device'): string {
  return path.join(home, role === 'device' ? 'mqtt-ca' : 'mqtt-console-ca');
}

/** Refuses anything that is not one safe topic level, and the console prefix. */
export function checkDeviceId(deviceId: string): void {
  if (!isTopicId(deviceId)) {
    throw new AppError(
      'BROKER_BAD_DEVICE_ID',
      'Not a device id',
      `"${deviceId}" cannot name a device on the broker: device ids are 1–64 characters of a-z, 0-9 and "-" (no "/", "+", "#", spaces or capitals), like ef-6f1c2b9e-…. Use the id the agent shows.`,
    );
  }
  if (deviceId.startsWith(consolePrefix)) {
    throw new AppError('BROKER_BAD_DEVICE_ID', 'Reserved device id', `"${deviceId}" starts with "${consolePrefix}", which names console identities on the broker. Use the id the agent shows (ef-…).`);
  }
}

const dnsName = /^(?=.{1,253}$)(\*\.)?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function checkHost(host: string): void {
  if (isIP(host) || dnsName.test(host)) return;
  throw new AppError('BROKER_BAD_HOST', 'Not a host name or address', `"${host}" is neither a DNS name nor an IP address. Give the name or address devices use to reach the broker, e.g. --host broker.site.example --host 192.0.2.10.`);
}

function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x7f) | 0x01; // positive and with no leading zero byte, as RFC 5280 wants
  return b.toString('hex');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(keyAlg, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export class BrokerCa {
  private constructor(
    readonly dir: string,
    readonly role: CaRole,
    readonly cert: x509.X509Certificate,
    private readonly key: CryptoKey,
  ) {}

  get certPem(): string {
    return this.cert.toString('pem');
  }

  /** Opens the device CA (or the console CA) in the home, creating it on first use. */
  static async open(home: string, role: CaRole = 'device'): Promise<BrokerCa> {
    const dir = caFolder(home, role);
    if (!existsSync(path.join(dir, 'ca.crt'))) await BrokerCa.create(dir, roleNames[role]);
    let keyText: string;
    let certText: string;
    try {
      [keyText, certText] = await Promise.all([fsp.readFile(path.join(dir, 'ca.key'), 'utf8'), fsp.readFile(path.join(dir, 'ca.crt'), 'utf8')]);
    } catch (err) {
      throw new AppError('BROKER_CA_UNREADABLE', 'Broker CA unreadable', `${dir} holds no readable ca.key and ca.crt (${(err as Error).message}). Restore the folder from a backup; a new CA would have to re-issue every device certificate.`);
    }
    const key = (await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyText), keyAlg, false, ['sign'])) as unknown as CryptoKey;
    return new BrokerCa(dir, role, new x509.X509Certificate(certText), key);
  }

  /** Makes the CA in a temporary folder and renames it into place, so a crash or a rival process never leaves half a CA. */
  private static async create(dir: string, title: string): Promise<void> {
    mkdirSync(path.dirname(dir), { recursive: true, mode: privateDirMode });
    const tmp = `${dir}.${randomBytes(6).toString('hex')}.tmp`;
    await fsp.mkdir(tmp, { mode: privateDirMode });
    try {
      const keys = await newKeys();
      const now = new Date();
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerial(),
        name: `CN=${title} ${randomBytes(4).toString('hex')}, O=EdgeFleet`,
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(now.getTime() + lifetimeDays.ca * day),
        keys,
        signingAlgorithm: signAlg,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      await fsp.writeFile(path.join(tmp, 'ca.key'), await keyPem(keys.privateKey), { mode: privateFileMode });
      await fsp.writeFile(path.join(tmp, 'ca.crt'), cert.toString('pem'));
      await fsp.writeFile(path.join(tmp, 'index.json'), JSON.stringify({ version: 1, issued: [] } satisfies CaIndex, null, 2), { mode: privateFileMode });
      try {
        await fsp.rename(tmp, dir);
      } catch (err) {
        // Another process made the CA first (the target exists and is not empty): use theirs.
        if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      }
      await fsyncDir(path.dirname(dir));
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }

  async readIndex(): Promise<CaIndex> {
    const text = await fsp.readFile(path.join(this.dir, 'index.json'), 'utf8').catch(() => '{"version":1,"issued":[]}');
    return JSON.parse(text) as CaIndex;
  }

  private async writeIndex(index: CaIndex): Promise<void> {
    await writeFileAtomic(path.join(this.dir, 'index.json'), JSON.stringify(index, null, 2));
    await fsp.chmod(path.join(this.dir, 'index.json'), privateFileMode);
  }

  async brokerDir(): Promise<string | undefined> {
    return (await this.readIndex()).brokerDir;
  }

  async setBrokerDir(dir: string): Promise<void> {
    const index = await this.readIndex();
    index.brokerDir = dir;
    await this.writeIndex(index);
  }

  private async sign(kind: CertKind, cn: string, publicKey: CryptoKey, extra: x509.Extension[]): Promise<{ cert: x509.X509Certificate; serial: string }> {
    // A console certificate from the device CA would be let in on the device listener, and a device
    // certificate from the console CA on the console listener, where it could pick any client id.
    if (!roleKinds[this.role].includes(kind)) throw new Error(`the ${this.role} CA does not issue ${kind} certificates`);
    const serial = randomSerial();
    const now = new Date();
    const notAfter = new Date(Math.min(now.getTime() + lifetimeDays[kind] * day, this.cert.notAfter.getTime()));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: [{ CN: [cn] }],
      issuer: this.cert.subjectName,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter,
      publicKey,
      signingKey: this.key,
      signingAlgorithm: signAlg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.cert),
        ...extra,
      ],
    });
    const index = await this.readIndex();
    index.issued.push({ serial, cn, kind, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() });
    await this.writeIndex(index);
    return { cert, serial };
  }

  private async issueWithKey(kind: CertKind, cn: string, extra: x509.Extension[]): Promise<IssuedCert> {
    const keys = await newKeys();
    const { cert, serial } = await this.sign(kind, cn, keys.publicKey, extra);
    return { cn, serial, notAfter: cert.notAfter, certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
  }

  /** The broker's TLS server certificate, valid for the names and addresses devices dial. */
  async issueServer(hosts: string[]): Promise<IssuedCert> {
    if (hosts.length === 0) throw new AppError('BROKER_NO_HOST', 'No host name', 'The broker certificate needs at least one DNS name or IP address that devices use to reach it (--host).');
    hosts.forEach(checkHost);
    const names = hosts.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h }));
    return this.issueWithKey('server', hosts[0], [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]), new x509.SubjectAlternativeNameExtension(names)]);
  }

  /** A device client certificate, CN = device id; for a CSR PEM the device keeps its own key. */
  async issueDevice(deviceId: string, csrPem?: string): Promise<IssuedCert> {
    checkDeviceId(deviceId);
    const eku = [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])];
    if (csrPem === undefined) return this.issueWithKey('device', deviceId, eku);
    const publicKey = await csrPublicKey(csrPem);
    const { cert, serial } = await this.sign('device', deviceId, publicKey, eku);
    return { cn: deviceId, serial, notAfter: cert.notAfter, certPem: cert.toString('pem') };
  }

  /** A console client certificate, CN `efc-…`, which the ACL names as a user with the whole tree. */
  async issueConsole(name = `${consolePrefix}${randomBytes(5).toString('hex')}`): Promise<IssuedCert> {
    if (!name.startsWith(consolePrefix) || !isTopicId(name)) {
      throw new AppError('BROKER_BAD_CONSOLE_ID', 'Not a console id', `"${name}" cannot name a console: console ids are "${consolePrefix}" followed by a-z, 0-9 and "-".`);
    }
    return this.issueWithKey('console', name, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]);
  }

  /** Marks every unrevoked certificate of the device revoked; returns their serials (none when all were revoked before). */
  async revokeDevice(deviceId: string): Promise<string[]> {
    checkDeviceId(deviceId);
    const index = await this.readIndex();
    const mine = index.issued.filter((r) => r.kind === 'device' && r.cn === deviceId);
    if (mine.length === 0) {
      throw new AppError('BROKER_UNKNOWN_DEVICE', 'Unknown device', `This CA (${this.dir}) never issued a certificate for ${deviceId}. Check the id, or give the --home it was issued from.`);
    }
    const hit = mine.filter((r) => !r.revokedAt);
    if (hit.length === 0) return [];
    const now = new Date().toISOString();
    for (const r of hit) r.revokedAt = now;
    await this.writeIndex(index);
    return hit.map((r) => r.serial);
  }

  /**
   * Marks one certificate of the device revoked (a rotation's old one, leaving the new one valid);
   * false when it was revoked before. Serials compare as numbers, whatever case or leading zeros.
   */
  async revokeSerial(deviceId: string, serial: string): Promise<boolean> {
    checkDeviceId(deviceId);
    const want = serialValue(serial);
    const index = await this.readIndex();
    const hit = index.issued.find((r) => r.kind === 'device' && r.cn === deviceId && serialValue(r.serial) === want);
    if (!hit) {
      throw new AppError('BROKER_UNKNOWN_SERIAL', 'Unknown certificate', `This CA (${this.dir}) never issued certificate ${serial} for ${deviceId}. It was issued elsewhere; revoke it at its own CA.`);
    }
    if (hit.revokedAt) return false;
    hit.revokedAt = new Date().toISOString();
    await this.writeIndex(index);
    return true;
  }

  /** Console identities the ACL must name: issued, not revoked, not expired. */
  async consoleNames(): Promise<string[]> {
    const now = Date.now();
    const index = await this.readIndex();
    return [...new Set(index.issued.filter((r) => r.kind === 'console' && !r.revokedAt && Date.parse(r.notAfter) > now).map((r) => r.cn))];
  }

  /**
   * The CRL of every revoked certificate. It has no nextUpdate on purpose: OpenSSL refuses every client
   * once a CRL's nextUpdate has passed, and a site broker must not lock out its fleet because nobody
   * refreshed the file.
   */
  async crlPem(): Promise<string> {
    const index = await this.readIndex();
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.cert.subjectName,
      thisUpdate: new Date(Date.now() - 60_000),
      signingKey: this.key,
      signingAlgorithm: signAlg,
      extensions: [await x509.AuthorityKeyIdentifierExtension.create(this.cert)],
      entries: index.issued.filter((r) => r.revokedAt).map((r) => ({ serialNumber: r.serial, revocationDate: new Date(r.revokedAt!), reason: x509.X509CrlReason.unspecified })),
    });
    // OpenSSL reads only the "X509 CRL" PEM label; the library writes "CRL".
    return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
  }
}

function serialValue(serial: string): bigint | null {
  return /^[0-9a-fA-F]{1,64}$/.test(serial) ? BigInt(`0x${serial}`) : null;
}

export async function csrPublicKey(csrPem: string): Promise<CryptoKey> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (err) {
    throw new AppError('BROKER_BAD_CSR', 'Not a certificate request', `The CSR could not be read (${(err as Error).message}). Give a PEM "CERTIFICATE REQUEST", e.g. from: openssl req -new -key device.key -subj /CN=DEVICE_ID -out device.csr`);
  }
  if (!(await csr.verify())) throw new AppError('BROKER_BAD_CSR', 'CSR signature invalid', 'The certificate request is not signed by the key it carries. Make it again on the device.');
  const alg = csr.publicKey.algorithm as EcKeyAlgorithm;
  if (alg.name !== 'ECDSA' || alg.namedCurve !== 'P-256') {
    throw new AppError('BROKER_BAD_CSR', 'Unsupported key', `The request carries a ${alg.name}${alg.namedCurve ? ` ${alg.namedCurve}` : ''} key; device keys must be EC P-256 (openssl ecparam -name prime256v1 -genkey -noout -out device.key).`);
  }
  return csr.publicKey.export(webcrypto as unknown as Crypto);
}
