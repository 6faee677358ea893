// Input checks of the broker CA and `edgefleet broker`: ids that would widen a topic pattern, bad
// hosts and ports, and an existing folder are refused before anything is written; the CLI exits 2.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { BrokerCa, checkDeviceId } from '../../electron/core/mqtt-broker/broker-ca.js';
import { initBroker, issueDeviceFiles, revokeDevice } from '../../electron/core/mqtt-broker/broker-site.js';
import { aclFile, mosquittoConf } from '../../electron/core/mqtt-broker/mosquitto-config.js';
import { edgefleet } from '../helpers/edgefleet-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'ef-broker-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const fresh = (what: string) => join(scratch, `${what}-${n++}`);

async function appError(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('accepted');
}


describe('device ids', () => {
  it.each(['ef-a/b', 'ef-+', '#', 'ef-a#', '+', 'EF-A', 'ef a', '', 'efc-1234', 'x'.repeat(65)])('refuses %j', async (id) => {
    const e = await appError(() => checkDeviceId(id));
    expect(e.code).toBe('BROKER_BAD_DEVICE_ID');
    expect(e.detail).toContain(id);
  });

  it('accepts an agent id', () => {
    expect(() => checkDeviceId('ef-6f1c2b9e-0000-4000-8000-000000000001')).not.toThrow();
  });

  it('issue-device refuses a bad id before it makes a CA or any file', async () => {
    const home = fresh('home');
    const out = fresh('out');
    const e = await appError(issueDeviceFiles(home, 'ef-a/+', out));
    expect(e.code).toBe('BROKER_BAD_DEVICE_ID');
    expect(existsSync(join(home, 'mqtt-ca'))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('a CSR that is not one is refused, and so is a non-P-256 key', async () => {
    const home = fresh('home');
    const csr = fresh('csr');
    writeFileSync(csr, 'not a csr');
    expect((await appError(issueDeviceFiles(home, 'ef-1', fresh('out'), { csrFile: csr }))).code).toBe('BROKER_BAD_CSR');
    expect((await appError(issueDeviceFiles(home, 'ef-1', fresh('out'), { csrFile: fresh('missing') }))).code).toBe('BROKER_CSR_UNREADABLE');
  });

  it('revoking an id the CA never issued is refused; revoking twice refreshes the CRL', async () => {
    const home = fresh('home');
    const out = fresh('out');
    expect((await appError(revokeDevice(home, 'ef-never'))).code).toBe('BROKER_UNKNOWN_DEVICE');
    const issued = await issueDeviceFiles(home, 'ef-1', out);
    expect((await revokeDevice(home, 'ef-1')).revoked).toEqual([issued.serial]);
    expect((await revokeDevice(home, 'ef-1')).revoked).toEqual([]);
    const ca = await BrokerCa.open(home);
    expect(await ca.crlPem()).toMatch(/^-----BEGIN X509 CRL-----/);
  });
});

describe('broker init', () => {
  const base = (home: string, dir: string) => ({ home, dir, hosts: ['localhost', '127.0.0.1'], port: 8883 });

  it('refuses a non-empty folder and leaves it as it was; --force replaces it', async () => {
    const home = fresh('home');
    const dir = fresh('broker');
    mkdirSync(dir);
    writeFileSync(join(dir, 'mine.txt'), 'keep me');
    const e = await appError(initBroker(base(home, dir)));
    expect(e.code).toBe('BROKER_DIR_NOT_EMPTY');
    expect(e.detail).toContain('--force');
    expect(readdirSync(dir)).toEqual(['mine.txt']);
    expect(readdirSync(scratch).filter((f) => f.includes('.tmp') || f.endsWith('.old'))).toEqual([]);
    const r = await initBroker({ ...base(home, dir), force: true });
    expect(readdirSync(dir).sort()).toEqual(['acl', 'acl-enrol', 'ca.crt', 'console-ca.crt', 'crl.pem', 'data', 'enrol-passwd', 'mosquitto.conf', 'server-chain.crt', 'server.crt', 'server.key', 'site.json']);
    expect(readFileSync(r.conf, 'utf8')).toContain(`acl_file ${join(dir, 'acl')}`);
  });

  it("puts consoles on the next port by default, and installs the console's files in the home, not the broker folder", async () => {
    const home = fresh('home');
    const r = await initBroker(base(home, fresh('broker')));
    expect(r).toMatchObject({ port: 8883, consolePort: 8884, deviceUrl: 'mqtts://localhost:8883', consoleUrl: 'mqtts://localhost:8884' });
    expect(r.consoleFiles).toEqual({ ca: join(home, 'mqtt', 'ca.pem'), cert: join(home, 'mqtt', 'console-cert.pem'), key: join(home, 'mqtt', 'console-key.pem') });
    expect(readdirSync(join(home, 'mqtt')).sort()).toEqual(['ca.pem', 'console-cert.pem', 'console-key.pem']);
    // The console's certificate comes from the console CA, which issues nothing else; ca.pem is the device CA that signed the server's.
    const consoleCa = await BrokerCa.open(home, 'console');
    const deviceCa = await BrokerCa.open(home);
    expect(readFileSync(r.consoleFiles.ca, 'utf8')).toBe(deviceCa.certPem);
    expect((await consoleCa.readIndex()).issued.map((i) => [i.kind, i.cn])).toEqual([['console', r.consoleId]]);
    expect((await deviceCa.readIndex()).issued.map((i) => i.kind)).toEqual(['server']);
    expect(aclFile([r.consoleId]).split('\n')).toContain(`user ${r.consoleId}`);
    expect(readFileSync(join(r.dir, 'acl'), 'utf8')).toContain(`user ${r.consoleId}\ntopic readwrite ef/v1/#`);
    await expect(deviceCa.issueConsole()).rejects.toThrow(/device CA does not issue console/);
    await expect(consoleCa.issueDevice('ef-1')).rejects.toThrow(/console CA does not issue device/);
  });

  it('refuses one port for both listeners, and a device port with no next port, writing nothing', async () => {
    const home = fresh('home');
    const dir = fresh('broker');
    const same = await appError(initBroker({ ...base(home, dir), port: 9000, consolePort: 9000 }));
    expect(same.code).toBe('BROKER_SAME_PORT');
    expect(same.detail).toContain('--console-port');
    const last = await appError(initBroker({ ...base(home, dir), port: 65_535 }));
    expect(last.code).toBe('BROKER_BAD_PORT');
    expect(last.detail).toContain('--console-port');
    expect((await appError(initBroker({ ...base(home, dir), consolePort: 0 }))).code).toBe('BROKER_BAD_PORT');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(home)).toBe(false);
  });

  it('refuses a file as the folder, bad hosts, ports and bind addresses, writing nothing', async () => {
    const home = fresh('home');
    const file = fresh('file');
    writeFileSync(file, 'x');
    expect((await appError(initBroker(base(home, file)))).code).toBe('BROKER_DIR_NOT_FOLDER');
    const dir = fresh('broker');
    expect((await appError(initBroker({ ...base(home, dir), hosts: ['bad host'] }))).code).toBe('BROKER_BAD_HOST');
    expect((await appError(initBroker({ ...base(home, dir), hosts: [] }))).code).toBe('BROKER_NO_HOST');
    expect((await appError(initBroker({ ...base(home, dir), port: 70_000 }))).code).toBe('BROKER_BAD_PORT');
    expect((await appError(initBroker({ ...base(home, dir), bind: 'eth0' }))).code).toBe('BROKER_BAD_BIND');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(home)).toBe(false);
  });
});

describe('generated configuration', () => {
  it('gives devices only their own subtree and consoles the whole tree', () => {
    const acl = aclFile(['efc-1']);
    const device = acl.split('\n').filter((l) => l.startsWith('pattern'));
    expect(device).toEqual([
      'pattern write ef/v1/d/%u/res/#',
      'pattern write ef/v1/d/%u/evt/#',
      'pattern write ef/v1/d/%u/presence',
      'pattern write ef/v1/d/%u/state/reported',
      'pattern read ef/v1/d/%u/req',
      'pattern read ef/v1/d/%u/state/desired',
      'pattern read ef/v1/bcast/#',
    ]);
    expect(acl).toMatch(/^user efc-1\ntopic readwrite ef\/v1\/#$/m);
  });

  it('takes certificates only: devices from the device CA with client id = CN, consoles from the console CA with their own ids', () => {
    const conf = mosquittoConf({ dir: '/srv/broker', port: 8883, consolePort: 8884, enrolPort: 8885, bind: '192.0.2.10' });
    const [global, device, consoles, enrol] = conf.split(/^(?=listener )/m);
    for (const line of ['per_listener_settings true', 'persistence true', 'max_packet_size 1048576']) expect(global.split('\n')).toContain(line);
    const listenerLines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(listenerLines(device)).toEqual([
      'listener 8883 192.0.2.10',
      'protocol mqtt',
      'tls_version tlsv1.2',
      'cafile /srv/broker/ca.crt',
      'certfile /srv/broker/server.crt',
      'keyfile /srv/broker/server.key',
      'crlfile /srv/broker/crl.pem',
      'require_certificate true',
      'use_identity_as_username true',
      'use_username_as_clientid true',
      'allow_anonymous false',
      'acl_file /srv/broker/acl',
    ]);
    expect(listenerLines(consoles)).toEqual([
      'listener 8884 192.0.2.10',
      'protocol mqtt',
      'tls_version tlsv1.2',
      'cafile /srv/broker/console-ca.crt',
      'certfile /srv/broker/server.crt',
      'keyfile /srv/broker/server.key',
      'require_certificate true',
      'use_identity_as_username true',
      'allow_anonymous false',
      'acl_file /srv/broker/acl',
    ]);
    // Passwords only where one-time tokens log in, with an ACL of their own.
    expect(listenerLines(enrol)).toEqual([
      'listener 8885 192.0.2.10',
      'protocol mqtt',
      'tls_version tlsv1.2',
      'certfile /srv/broker/server-chain.crt',
      'keyfile /srv/broker/server.key',
      'require_certificate false',
      'allow_anonymous false',
      'password_file /srv/broker/enrol-passwd',
      'acl_file /srv/broker/acl-enrol',
    ]);
    expect(conf.match(/password_file/g)).toHaveLength(1);
  });
});

describe('edgefleet broker init, output', () => {
  it("prints the device and the console broker URLs and where the console's files went", async () => {
    const home = fresh('home');
    const r = await edgefleet('broker', 'init', '--dir', fresh('broker'), '--host', 'broker.site.example', '--port', '9883', '--home', home);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Devices connect to mqtts://broker.site.example:9883');
    expect(r.stdout).toContain('--mqtt mqtts://broker.site.example:9883');
    expect(r.stdout).toContain('This console connects to mqtts://broker.site.example:9884');
    expect(r.stdout).toContain('edgefleet mqtt add mqtts://broker.site.example:9884 DEVICE_ID');
    expect(r.stdout).toContain(join(home, 'mqtt'));
  });
});

describe('edgefleet broker, bad input', () => {
  it('exits 2 with one clear line, and writes nothing', async () => {
    const home = fresh('home');
    const full = fresh('broker');
    mkdirSync(full);
    writeFileSync(join(full, 'x'), 'x');
    const out = fresh('out');
    const runs = await Promise.all([
      edgefleet('broker', 'issue-device', 'ef-a/b', '-o', out, '--home', home),
      edgefleet('broker', 'init', '--dir', full, '--home', home),
      edgefleet('broker', 'init', '--home', home),
      edgefleet('broker', 'init', '--dir', fresh('broker'), '--port', 'eighty', '--home', home),
      edgefleet('broker', 'init', '--dir', fresh('broker'), '--console-port', '8883', '--home', home),
    ]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(runs[0].stderr).toContain('Not a device id');
    expect(runs[1].stderr).toContain('Broker folder not empty');
    expect(runs[2].stderr).toContain('needs --dir');
    expect(runs[3].stderr).toContain('--port');
    expect(runs[4].stderr).toContain('One port for two listeners');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(full)).toEqual(['x']);
  });
});
