// Where the agent's MQTT settings come from when --mqtt is not given: the files a past enrolment
// left in <data dir>/mqtt/, or an enrolment now with a one-time token (--enrol TOKEN or @FILE, or
// <data dir>/enrol-token written by provisioning). Enrolment writes the key (0600), certificate and
// CA, then broker.json last (so a start that finds it finds the rest), pins the console key as
// `pair` would, and deletes the token file.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../electron/core/api/errors.js';
import { writeFileAtomic } from '../../../electron/core/util/atomic-write.js';
import type { DeviceInfo, DeviceStatus } from '../../device-protocol/messages.js';
import { decodeEnrolToken } from '../../device-protocol/mqtt/enrol.js';
import { enrol } from './enrol-client.js';
import type { Pairing } from './pairing.js';

export const tokenFileName = 'enrol-token';
const folder = 'mqtt';
const names = { key: 'key.pem', cert: 'cert.pem', ca: 'ca.pem', broker: 'broker.json' } as const;

const brokerFile = z.object({
  url: z.string(),
  consoleName: z.string(),
  consolePublicKey: z.string(),
  pairTokenSha256: z.string(),
  token: z.string(),
  enrolledAt: z.string(),
});

export interface MqttFiles {
  url: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface EnrolDeps {
  dataDir: string;
  deviceId: string;
  certFingerprint: string;
  pairing: Pairing;
  agent: { info(): DeviceInfo; status(): DeviceStatus };
  log: (line: string) => void;
}

function files(dataDir: string, url: string): MqttFiles {
  const dir = path.join(dataDir, folder);
  return { url, caFile: path.join(dir, names.ca), certFile: path.join(dir, names.cert), keyFile: path.join(dir, names.key) };
}

/** The token text from --enrol (TOKEN or @FILE) or the data folder's file; null when there is none. */
async function findToken(dataDir: string, arg: string | null): Promise<{ text: string; file: string | null } | null> {
  if (arg !== null && !arg.startsWith('@')) return { text: arg, file: null };
  const file = arg === null ? path.join(dataDir, tokenFileName) : path.resolve(arg.slice(1));
  if (arg === null && !existsSync(file)) return null;
  try {
    return { text: await fsp.readFile(file, 'utf8'), file };
  } catch (err) {
    throw new AppError('ENROL_TOKEN_UNREADABLE', 'Enrolment token unreadable', `${file} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Give --enrol the token itself, or @FILE with a file this user can read.`);
  }
}

/** The MQTT settings to start the binding with, enrolling first when a token asks for it; null: no MQTT. */
export async function enrolledMqtt(deps: EnrolDeps, tokenArg: string | null): Promise<MqttFiles | null> {
  const { dataDir, log } = deps;
  const dir = path.join(dataDir, folder);
  const stored = path.join(dir, names.broker);
  if (existsSync(stored)) {
    const b = brokerFile.parse(JSON.parse(await fsp.readFile(stored, 'utf8')));
    // A crash between the files and the pairing record: the files carry what the pairing needs.
    if (!deps.pairing.consolePublicKey) await deps.pairing.adopt(b.consolePublicKey, b.consoleName, b.pairTokenSha256);
    const leftover = path.join(dataDir, tokenFileName);
    if (existsSync(leftover)) {
      await fsp.rm(leftover, { force: true });
      log(`enrolment: enrolled already (token ${b.token}); removed ${leftover}`);
    } else if (tokenArg !== null) log(`enrolment: enrolled already (token ${b.token}); --enrol is not used`);
    return files(dataDir, b.url);
  }
  const found = await findToken(dataDir, tokenArg);
  if (!found) return null;
  const token = decodeEnrolToken(found.text);
  const pairToken = randomBytes(32).toString('base64url');
  const { grant, keyPem } = await enrol({
    token,
    deviceId: deps.deviceId,
    log,
    describe: () => ({ pairToken, certFingerprint: deps.certFingerprint, info: deps.agent.info(), status: deps.agent.status() }),
  });
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  await fsp.chmod(dir, 0o700);
  const out = files(dataDir, grant.url);
  await writeFileAtomic(out.keyFile, keyPem);
  await fsp.chmod(out.keyFile, 0o600);
  await writeFileAtomic(out.certFile, grant.cert);
  await writeFileAtomic(out.caFile, grant.ca);
  const pairTokenSha256 = createHash('sha256').update(pairToken).digest('hex');
  const record = { url: grant.url, consoleName: grant.consoleName, consolePublicKey: grant.consolePublicKey, pairTokenSha256, token: token.id, enrolledAt: new Date().toISOString() };
  await writeFileAtomic(stored, `${JSON.stringify(record, null, 2)}\n`);
  await deps.pairing.adopt(grant.consolePublicKey, grant.consoleName, pairTokenSha256);
  if (found.file) await fsp.rm(found.file, { force: true });
  log(`enrolment: enrolled as ${deps.deviceId} with ${grant.consoleName}; connecting to ${grant.url}`);
  return out;
}
