// The files of a site broker and of a device's identity, written so that a failure leaves nothing
// half-made: `init` builds the whole broker folder beside its target and renames it into place, then
// installs the console's own client files in <home>/mqtt/; device files and the CRL are each written
// atomically.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, promises as fsp, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { privateFileMode } from '../registry/home-modes.js';
import { fsyncDir, writeFileAtomic } from '../util/atomic-write.js';
import { BrokerCa, checkDeviceId, checkHost } from './broker-ca.js';
import { installConsoleFiles, type ConsoleFiles } from './console-files.js';
import { aclFile, brokerFiles, checkBind, checkPorts, enrolAclFile, mosquittoConf } from './mosquitto-config.js';

export interface InitOptions {
  home: string;
  dir: string;
  /** DNS names and IP addresses in the server certificate; the first is its CN. */
  hosts: string[];
  /** The device listener. */
  port: number;
  /** The console listener; the device port + 1 when absent. */
  consolePort?: number;
  /** The enrolment listener; the device port + 2 when absent. */
  enrolPort?: number;
  bind?: string;
  force?: boolean;
}

export interface InitResult {
  dir: string;
  conf: string;
  consoleId: string;
  hosts: string[];
  port: number;
  consolePort: number;
  enrolPort: number;
  /** What devices give as --mqtt, and what this console pairs with (`mqtt add`). */
  deviceUrl: string;
  consoleUrl: string;
  /** Where devices with a one-time token (`broker enrol-token`) enrol. */
  enrolUrl: string;
  files: string[];
  /** The console's own client files, in <home>/mqtt/. */
  consoleFiles: ConsoleFiles;
  /** The account Mosquitto drops to when started as root, given read access to the server key. */
  brokerUser?: string;
}

/** Names a server certificate carries when no --host is given: this machine's name and loopback. */
export function defaultHosts(): string[] {
  const own = hostname();
  return [...new Set([...(/^[a-zA-Z0-9.-]+$/.test(own) ? [own] : []), 'localhost', '127.0.0.1', '::1'])];
}

/**
 * Mosquitto started as root reads its key, CRL and ACL after dropping to user `mosquitto` (seen with
 * 2.0.11: "Unable to load server key file … Permission denied"), so when we run as root and that
 * account exists, its group may read the server key and it owns the persistence folder.
 */
export function brokerAccount(): { name: string; uid: number; gid: number } | undefined {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return undefined;
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  const line = passwd.split('\n').find((l) => l.startsWith('mosquitto:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { name: 'mosquitto', uid: Number(uid), gid: Number(gid) };
}

function checkTarget(dir: string, force: boolean): 'missing' | 'empty' | 'full' {
  if (!existsSync(dir)) return 'missing';
  if (!statSync(dir).isDirectory()) throw new AppError('BROKER_DIR_NOT_FOLDER', 'Not a folder', `${dir} exists and is not a folder. Choose a new folder for the broker with --dir.`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return 'empty';
  if (!force) {
    throw new AppError(
      'BROKER_DIR_NOT_EMPTY',
      'Broker folder not empty',
      `${dir} already holds ${entries.length} entries (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}). Choose a new or empty folder, or add --force to replace it (its retained messages and sessions are lost).`,
    );
  }
  return 'full';
}

function brokerUrl(host: string, port: number): string {
  return `mqtts://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function initBroker(o: InitOptions): Promise<InitResult> {
  if (o.consolePort === undefined && o.port === 65_535) {
    throw new AppError('BROKER_BAD_PORT', 'No port for the console listener', 'The console listener defaults to the device port + 1, and 65535 has no next port. Give it one with --console-port.');
  }
  if (o.enrolPort === undefined && o.port >= 65_534) {
    throw new AppError('BROKER_BAD_PORT', 'No port for the enrolment listener', `The enrolment listener defaults to the device port + 2, and ${o.port} + 2 is past 65535. Give it one with --enrol-port.`);
  }
  const consolePort = o.consolePort ?? o.port + 1;
  const enrolPort = o.enrolPort ?? o.port + 2;
  checkPorts(o.port, consolePort, enrolPort);
  if (o.bind !== undefined) checkBind(o.bind);
  if (o.hosts.length === 0) throw new AppError('BROKER_NO_HOST', 'No host name', 'Name at least one DNS name or IP address devices use to reach the broker (--host).');
  o.hosts.forEach(checkHost);
  const dir = path.resolve(o.dir);
  const state = checkTarget(dir, o.force === true);

  const ca = await BrokerCa.open(o.home);
  const consoleCa = await BrokerCa.open(o.home, 'console');
  const server = await ca.issueServer(o.hosts);
  const consoleCert = await consoleCa.issueConsole();
  const consoles = [...new Set([...(await consoleCa.consoleNames()), consoleCert.cn])];

  await fsp.mkdir(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.${randomBytes(6).toString('hex')}.tmp`;
  await fsp.mkdir(tmp, { mode: 0o755 });
  const account = brokerAccount();
  try {
    const put = async (name: string, text: string, mode = 0o644) => {
      await fsp.writeFile(path.join(tmp, name), text, { mode });
      await fsp.chmod(path.join(tmp, name), mode); // the umask must not take the broker's read access away
    };
    await put(brokerFiles.caCert, ca.certPem);
    await put(brokerFiles.serverCert, server.certPem);
    await put(brokerFiles.serverKey, server.keyPem!, account ? 0o640 : privateFileMode);
    await put(brokerFiles.crl, await ca.crlPem());
    await put(brokerFiles.acl, aclFile(consoles));
    await put(brokerFiles.consoleCaCert, consoleCa.certPem);
    await put(brokerFiles.serverChain, `${server.certPem.trimEnd()}\n${ca.certPem}`);
    await put(brokerFiles.enrolAcl, enrolAclFile());
    // Token entries are secrets' hashes: the broker's group reads them, nobody else.
    await put(brokerFiles.passwd, '', account ? 0o640 : privateFileMode);
    const site = { deviceUrl: brokerUrl(o.hosts[0], o.port), consoleUrl: brokerUrl(o.hosts[0], consolePort), enrolUrl: brokerUrl(o.hosts[0], enrolPort) };
    await put(brokerFiles.site, `${JSON.stringify(site, null, 2)}\n`);
    await put(brokerFiles.conf, mosquittoConf({ dir, port: o.port, consolePort, enrolPort, bind: o.bind }));
    await fsp.mkdir(path.join(tmp, brokerFiles.data), { mode: 0o700 });
    if (account) {
      chownSync(path.join(tmp, brokerFiles.serverKey), 0, account.gid);
      chownSync(path.join(tmp, brokerFiles.passwd), 0, account.gid);
      chownSync(path.join(tmp, brokerFiles.data), account.uid, account.gid);
    }
    chmodSync(tmp, 0o755);
    if (state === 'missing') await fsp.rename(tmp, dir);
    else {
      // Swap the old folder out, the new one in, then drop the old one: never a moment with half of each.
      const old = `${dir}.${randomBytes(6).toString('hex')}.old`;
      await fsp.rename(dir, old);
      await fsp.rename(tmp, dir);
      await fsp.rm(old, { recursive: true, force: true });
    }
    await fsyncDir(path.dirname(dir));
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  await ca.setBrokerDir(dir);
  // The console presents this certificate on the console listener and checks the broker's server
  // certificate against the device CA that signed it.
  const consoleFiles = await installConsoleFiles(o.home, { serverCa: ca.certPem, cert: consoleCert.certPem, key: consoleCert.keyPem! });
  return {
    dir,
    conf: path.join(dir, brokerFiles.conf),
    consoleId: consoleCert.cn,
    hosts: o.hosts,
    port: o.port,
    consolePort,
    enrolPort,
    deviceUrl: brokerUrl(o.hosts[0], o.port),
    consoleUrl: brokerUrl(o.hosts[0], consolePort),
    enrolUrl: brokerUrl(o.hosts[0], enrolPort),
    files: Object.values(brokerFiles).map((f) => path.join(dir, f)),
    consoleFiles,
    brokerUser: account?.name,
  };
}

export interface DeviceFiles {
  deviceId: string;
  serial: string;
  notAfter: string;
  cert: string;
  key?: string;
  ca: string;
}

/** Writes `<id>.crt` (and `<id>.key` unless from a CSR) and `ca.crt` into the output folder. */
export async function issueDeviceFiles(home: string, deviceId: string, outDir: string, opts: { csrFile?: string; force?: boolean } = {}): Promise<DeviceFiles> {
  checkDeviceId(deviceId);
  const out = path.resolve(outDir);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new AppError('BROKER_OUT_NOT_FOLDER', 'Not a folder', `${out} exists and is not a folder. Give a folder with -o.`);
  let csrPem: string | undefined;
  if (opts.csrFile !== undefined) {
    try {
      csrPem = await fsp.readFile(opts.csrFile, 'utf8');
    } catch (err) {
      throw new AppError('BROKER_CSR_UNREADABLE', 'CSR not readable', `${opts.csrFile} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Give the path of the PEM certificate request the device made.`);
    }
  }
  const cert = path.join(out, `${deviceId}.crt`);
  const key = csrPem === undefined ? path.join(out, `${deviceId}.key`) : undefined;
  for (const f of [cert, key]) {
    if (f && existsSync(f) && !opts.force) throw new AppError('BROKER_DEVICE_FILES_EXIST', 'Files exist', `${f} exists already. Choose another folder with -o, or add --force to replace it.`);
  }
  const ca = await BrokerCa.open(home);
  const issued = await ca.issueDevice(deviceId, csrPem);
  await fsp.mkdir(out, { recursive: true, mode: 0o700 });
  if (key) {
    await writeFileAtomic(key, issued.keyPem!);
    await fsp.chmod(key, privateFileMode);
  }
  await writeFileAtomic(cert, issued.certPem);
  await writeFileAtomic(path.join(out, 'ca.crt'), ca.certPem);
  return { deviceId, serial: issued.serial, notAfter: issued.notAfter.toISOString(), cert, key, ca: path.join(out, 'ca.crt') };
}

export interface RevokeResult {
  deviceId: string;
  /** Serials revoked now; empty when all were revoked before (the CRL is refreshed anyway). */
  revoked: string[];
  /** Every CRL file written: the CA's own copy and the broker folder's, if `init` recorded one. */
  crlFiles: string[];
}

export async function revokeDevice(home: string, deviceId: string): Promise<RevokeResult> {
  const ca = await BrokerCa.open(home);
  const revoked = await ca.revokeDevice(deviceId);
  return { deviceId, revoked, crlFiles: await writeCrlFiles(ca, await ca.brokerDir()) };
}

/** Rewrites the CRL in the CA folder and in the broker folder (when it holds a broker); returns the files written. */
export async function writeCrlFiles(ca: BrokerCa, brokerDir: string | undefined): Promise<string[]> {
  const crl = await ca.crlPem();
  const files = [path.join(ca.dir, brokerFiles.crl)];
  if (brokerDir && existsSync(path.join(brokerDir, brokerFiles.conf))) files.push(path.join(brokerDir, brokerFiles.crl));
  for (const f of files) {
    await writeFileAtomic(f, crl);
    await fsp.chmod(f, 0o644);
  }
  return files;
}
