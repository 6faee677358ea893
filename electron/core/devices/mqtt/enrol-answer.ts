// What the console answers to one enrolment request. Everything is checked before the token is
// touched (so a malformed request burns nothing); then the token is marked used, atomically and
// before anything is issued, so a second request with it (a replay, or a second device) gets a
// refusal. The certificate comes from the console's broker CA, the device joins the inventory with
// transport mqtt, and the answer is signed with the console key the token pins.
import { createHash } from 'node:crypto';
import { deviceInfoSchema, deviceStatusSchema } from '../../../../resources/device-protocol/messages.js';
import { enrolRequestSchema, enrolVersion, signEnrolAnswer, type EnrolRequest } from '../../../../resources/device-protocol/mqtt/enrol.js';
import { AppError, toErrorData } from '../../api/errors.js';
import { BrokerCa, checkDeviceId, csrPublicKey } from '../../mqtt-broker/broker-ca.js';
import { claimToken, readAnswer, readClaim, readTokenRecord, saveAnswer, secretMatches } from '../../mqtt-broker/enrol-tokens.js';
import type { DeviceContext } from '../device-context.js';
import { recordPaired } from '../record-paired.js';
import { mqttAddress } from './mqtt-address.js';
import { describeIssues } from '../../../../resources/device-protocol/protocol-error.js';

/** The text to publish on the token's answer topic (null: nothing), and what happened (for the log). */
export interface EnrolOutcome {
  answer: string | null;
  deviceId?: string;
  refused?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export async function answerEnrolment(ctx: DeviceContext, tokenId: string, payload: Buffer): Promise<EnrolOutcome | null> {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return null; // names no request id to answer to
  }
  const requestId = typeof (json as { id?: unknown })?.id === 'string' ? (json as { id: string }).id.slice(0, 64) : null;
  if (!requestId) return null;
  const key = await ctx.consoleKey();
  const refuse = (err: unknown): EnrolOutcome => {
    const error = toErrorData(err);
    const answer = signEnrolAnswer(key.privateKey, { v: enrolVersion, id: requestId, token: tokenId, ok: false, error, consolePublicKey: key.publicKeyPem });
    return { answer: JSON.stringify(answer), refused: `${error.code}: ${error.detail}` };
  };
  try {
    const parsed = enrolRequestSchema.safeParse(json);
    if (!parsed.success) {
      throw new AppError('ENROL_REQUEST_INVALID', 'Invalid enrolment request', `The console refused the enrolment request: ${describeIssues('enrol', parsed.error.issues, json)}.`);
    }
    const req = parsed.data;
    const record = await readTokenRecord(ctx.home, tokenId);
    if (!record || req.token !== tokenId || !secretMatches(record, req.secret)) {
      throw new AppError('ENROL_TOKEN_UNKNOWN', 'Unknown enrolment token', `This console issued no token ${tokenId} with that secret. Make a new one with \`edgefleet broker enrol-token\` on the console that runs this broker's site.`);
    }
    const claimed = await readClaim(ctx.home, tokenId);
    if (claimed) return (await sameRequestAgain(ctx, tokenId, claimed, req)) ?? refuse(usedError(tokenId, claimed.at));
    if (Date.parse(record.expiresAt) <= Date.now()) {
      throw new AppError('ENROL_TOKEN_EXPIRED', 'Enrolment token expired', `Token ${tokenId} expired at ${record.expiresAt}. Make a new one with \`edgefleet broker enrol-token\` (--ttl sets how long it lasts) and give it to the device.`);
    }
    const info = deviceInfoSchema.safeParse(req.info);
    const status = deviceStatusSchema.safeParse(req.status);
    if (!info.success || !status.success || info.data.deviceId !== req.deviceId || status.data.deviceId !== req.deviceId) {
      throw new AppError('ENROL_REQUEST_INVALID', 'Invalid enrolment request', `The request's info and status must describe device ${req.deviceId} as the agent reports them.`);
    }
    checkDeviceId(req.deviceId);
    await csrPublicKey(req.csr);
    await refuseTakenId(ctx, req.deviceId);

    const earlier = await claimToken(ctx.home, tokenId, { at: new Date().toISOString(), requestId: req.id, deviceId: req.deviceId, csrSha256: sha256(req.csr) });
    if (earlier) return (await sameRequestAgain(ctx, tokenId, earlier, req)) ?? refuse(usedError(tokenId, earlier.at));

    const ca = await BrokerCa.open(ctx.home);
    const issued = await ca.issueDevice(req.deviceId, req.csr);
    recordPaired(ctx, req.deviceId, { transport: 'mqtt', address: mqttAddress(record.consoleUrl, req.deviceId), fingerprint: req.certFingerprint, token: req.pairToken }, info.data, status.data);
    const grant = signEnrolAnswer(key.privateKey, {
      v: enrolVersion,
      id: req.id,
      token: tokenId,
      ok: true,
      deviceId: req.deviceId,
      cert: issued.certPem,
      ca: ca.certPem,
      url: record.deviceUrl,
      consoleName: ctx.consoleName(),
      consolePublicKey: key.publicKeyPem,
    });
    const answer = JSON.stringify(grant);
    await saveAnswer(ctx.home, tokenId, answer);
    return { answer, deviceId: req.deviceId };
  } catch (err) {
    return refuse(err);
  }
}

/** The claiming request asked again (its answer was lost): the same answer, nothing new. */
async function sameRequestAgain(ctx: DeviceContext, tokenId: string, claim: { requestId: string; csrSha256: string }, req: EnrolRequest): Promise<EnrolOutcome | null> {
  if (claim.requestId !== req.id || claim.csrSha256 !== sha256(req.csr)) return null;
  const answer = await readAnswer(ctx.home, tokenId);
  // Still being issued by the request that claimed it: its own answer is on the way.
  return { answer, deviceId: req.deviceId };
}

function usedError(tokenId: string, at: string): AppError {
  return new AppError('ENROL_TOKEN_USED', 'Enrolment token already used', `Token ${tokenId} was used at ${at} and works only once. Make a new one with \`edgefleet broker enrol-token\` for this device.`);
}

/** A token must not buy a certificate in the name of a device that has one: it would stand in for it on the broker. */
async function refuseTakenId(ctx: DeviceContext, deviceId: string): Promise<void> {
  const known = ctx.store.get(deviceId);
  const index = await (await BrokerCa.open(ctx.home)).readIndex();
  const now = Date.now();
  const live = index.issued.some((r) => r.kind === 'device' && r.cn === deviceId && !r.revokedAt && Date.parse(r.notAfter) > now);
  if (known?.paired || live) {
    throw new AppError(
      'ENROL_DEVICE_EXISTS',
      'Device already enrolled',
      `${deviceId} ${known?.paired ? 'is paired with this console' : 'holds a valid certificate from this console'} already. A device that lost its files enrols again after \`edgefleet broker revoke ${deviceId}\`${known?.paired ? ' and its removal from the inventory' : ''}.`,
    );
  }
}
