// BrokerCa.revokeSerial: a rotation revokes the device's old certificate and nothing else, so the CRL
// keeps the new one valid; serials match as numbers (Node prints them in capitals). The CRL is read
// by OpenSSL, as Mosquitto reads it (@peculiar/x509 does not parse a CRL without nextUpdate).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BrokerCa } from '../../electron/core/mqtt-broker/broker-ca.js';

const home = mkdtempSync(join(tmpdir(), 'ef-ca-serial-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function crlSerials(ca: BrokerCa): Promise<bigint[]> {
  const file = join(home, 'crl.pem');
  writeFileSync(file, await ca.crlPem());
  const text = execFileSync('openssl', ['crl', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
  return [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => BigInt(`0x${m[1]}`));
}

describe('BrokerCa.revokeSerial', () => {
  it('revokes the one serial of the device, keeps its other certificates valid, and says when it was revoked before', async () => {
    const ca = await BrokerCa.open(home);
    const old = await ca.issueDevice('ef-rot-1');
    const next = await ca.issueDevice('ef-rot-1');
    const other = await ca.issueDevice('ef-rot-2');
    // As the device reports it: Node's capitals.
    const reported = new X509Certificate(old.certPem).serialNumber;
    expect(await ca.revokeSerial('ef-rot-1', reported)).toBe(true);
    const index = await ca.readIndex();
    const state = (serial: string) => index.issued.find((r) => r.serial === serial)?.revokedAt ?? null;
    expect(state(old.serial)).not.toBeNull();
    expect(state(next.serial)).toBeNull();
    expect(state(other.serial)).toBeNull();
    expect(await crlSerials(ca)).toEqual([BigInt(`0x${old.serial}`)]);
    expect(await ca.revokeSerial('ef-rot-1', old.serial)).toBe(false);
    expect(await crlSerials(ca)).toEqual([BigInt(`0x${old.serial}`)]);
  });

  it("refuses a serial it never issued for that device (another device's, or unknown), revoking nothing", async () => {
    const ca = await BrokerCa.open(home);
    const mine = await ca.issueDevice('ef-rot-3');
    const theirs = await ca.issueDevice('ef-rot-4');
    const before = await crlSerials(ca);
    await expect(ca.revokeSerial('ef-rot-3', theirs.serial)).rejects.toMatchObject({ code: 'BROKER_UNKNOWN_SERIAL' });
    await expect(ca.revokeSerial('ef-rot-3', '0123abcd')).rejects.toMatchObject({ code: 'BROKER_UNKNOWN_SERIAL', detail: expect.stringContaining('ef-rot-3') });
    await expect(ca.revokeSerial('ef-rot-3', 'not hex')).rejects.toMatchObject({ code: 'BROKER_UNKNOWN_SERIAL' });
    expect(await crlSerials(ca)).toEqual(before);
    expect((await ca.readIndex()).issued.find((r) => r.serial === mine.serial)?.revokedAt).toBeUndefined();
  });
});
