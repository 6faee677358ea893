// The MQTT binding's topic tree and signed request envelope, and the device's request journal.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalCapacity, RequestJournal } from '../../resources/agent/src/request-journal.js';
import { envelopeVersion, requestEnvelopeSchema, signRequest, verifyRequest, type UnsignedRequest } from '../../resources/device-protocol/mqtt/envelope.js';
import { deviceTopics, parseDeviceTopic, responsesFilter } from '../../resources/device-protocol/mqtt/topics.js';

const dev = 'ef-0b7e2d4c-1f7a-4c53-9a7e-3f1c0d2b9e11';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('topic tree', () => {
  it('names every topic of a device under its own subtree, within 7 levels, and parses them back', () => {
    const t = deviceTopics(dev);
    const all = [t.req, t.res('efc-0123456789ab'), t.telemetry, t.status, t.presence, t.desired, t.reported];
    for (const topic of all) {
      expect(topic.startsWith(`ef/v1/d/${dev}/`)).toBe(true);
      expect(topic.split('/').length - 1).toBeLessThanOrEqual(7);
      expect(parseDeviceTopic(topic)?.deviceId).toBe(dev);
    }
    expect(parseDeviceTopic(t.res('efc-0123456789ab'))).toEqual({ deviceId: dev, kind: 'res', connection: 'efc-0123456789ab' });
    expect(responsesFilter('efc-1')).toBe('ef/v1/d/+/res/efc-1');
  });

  it('refuses ids that would widen a subscription or leave the subtree', () => {
    for (const bad of ['+', '#', 'a/b', 'EF-UPPER', '', 'x'.repeat(65), '-lead']) expect(() => deviceTopics(bad)).toThrow(/topic level/);
    expect(() => deviceTopics(dev).res('c/../x')).toThrow(/topic level/);
    for (const other of ['ef/v1/d/+/req', `ef/v1/d/${dev}/res/a/b`, `ef/v2/d/${dev}/req`, `ef/v1/d/${dev}/evt/other`, 'x']) expect(parseDeviceTopic(other)).toBeNull();
  });
});

describe('signed requests', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const base: UnsignedRequest = { v: envelopeVersion, id: 'abcdefghijklmnop', op: 'rollback', dev, reply: deviceTopics(dev).res('efc-1'), deadline: 1_900_000_000_000, req: { ifActiveSha256: 'a'.repeat(64) } };

  it('verifies with the console key and with nothing else', () => {
    const env = signRequest(privateKey, base);
    expect(requestEnvelopeSchema.parse(env)).toEqual(env);
    expect(verifyRequest(publicKey, env)).toBe(true);
    expect(verifyRequest(generateKeyPairSync('ed25519').publicKey, env)).toBe(false);
    expect(verifyRequest(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, env)).toBe(false);
    expect(verifyRequest(publicKey, { ...env, sig: undefined })).toBe(false);
    expect(verifyRequest(publicKey, { ...env, sig: 'not base64 at all' })).toBe(false);
  });

  it('covers every field: changing any one breaks the signature', () => {
    const env = signRequest(privateKey, base);
    const changes: Partial<UnsignedRequest>[] = [
      { id: 'abcdefghijklmnoq' },
      { op: 'confirm' },
      { dev: 'ef-other' },
      { reply: deviceTopics(dev).res('efc-attacker') },
      { deadline: base.deadline + 1 },
      { req: { ifActiveSha256: 'b'.repeat(64) } },
      { req: {} },
    ];
    for (const change of changes) expect(verifyRequest(publicKey, { ...env, ...change }), JSON.stringify(change)).toBe(false);
    // Key order does not matter (canonical JSON).
    expect(verifyRequest(publicKey, { sig: env.sig, req: env.req, deadline: env.deadline, reply: env.reply, dev, op: env.op, id: env.id, v: envelopeVersion })).toBe(true);
  });
});

describe('request journal', () => {
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'ef-journal-'));
    dirs.push(d);
    return d;
  };

  it('runs an id once, answers a duplicate from memory, and after a restart from disk for durable answers only', async () => {
    const d = dir();
    const deadline = Date.now() + 60_000;
    const j = await RequestJournal.open(d);
    expect(j.begin('req-durable-00001', deadline)).toBe('new');
    expect(j.begin('req-durable-00001', deadline)).toBe('running');
    await j.finish('req-durable-00001', '{"answer":1}', true);
    expect(j.begin('req-durable-00001', deadline)).toEqual({ answer: '{"answer":1}' });
    expect(j.begin('req-transient-0001', deadline)).toBe('new');
    await j.finish('req-transient-0001', '{"answer":2}', false);

    const again = await RequestJournal.open(d);
    expect(again.begin('req-durable-00001', deadline)).toEqual({ answer: '{"answer":1}' });
    expect(again.begin('req-transient-0001', deadline)).toBe('new');
  });

  it('forgets ids whose deadline has long passed, keeps at most its capacity, and starts empty from a damaged file', async () => {
    const d = dir();
    const j = await RequestJournal.open(d);
    const now = Date.now();
    expect(j.begin('req-old-000000001', now - 3600_000, now)).toBe('new');
    for (let i = 0; i < journalCapacity + 10; i++) j.begin(`req-fill-${String(i).padStart(8, '0')}`, now + 60_000, now);
    expect(j.size).toBeLessThanOrEqual(journalCapacity);
    expect(j.begin('req-old-000000001', now + 60_000, now)).toBe('new');

    writeFileSync(join(d, 'mqtt-requests.json'), '{"v":1,"entries":[{"id":1}]}');
    expect((await RequestJournal.open(d)).size).toBe(0);
    writeFileSync(join(d, 'mqtt-requests.json'), '{"v":1,"entr');
    expect((await RequestJournal.open(d)).size).toBe(0);
  });
});
