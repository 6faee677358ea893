// Checks of the operations: pairing and tokens, each response's shape, invalid requests, upload with
// resume, signature and hash refusal, trial / confirm / rollback and the A/B slots, error codes.
import { deviceOps, type DeviceStatus } from '../../../../../resources/device-protocol/messages.js';
import type { SignedManifest } from '../../../../../resources/device-protocol/manifest.js';
import { generateKeyPairSync } from 'node:crypto';
import { expectError, expectResponse, fail, mismatch, pass, skip, type Check, type CheckContext, type CheckResult } from './check-kit.js';
import type { Problem } from './problems.js';
import { sha256, tinyModel } from './test-artifacts.js';

const statusOf = async (ctx: CheckContext) => expectResponse('status', await ctx.call('status'), deviceOps.status.response);

/** Uploads `bytes` whole under `signed`, chunk by chunk; the failure or the final upload status. */
async function upload(ctx: CheckContext, bytes: Uint8Array, signed: SignedManifest, chunk = 4096): Promise<CheckResult | null> {
  const begun = expectResponse('upload-begin', await ctx.call('upload-begin', signed), deviceOps['upload-begin'].response);
  if (!begun.ok) return begun.result;
  for (let offset = begun.value.offset; offset < bytes.length; ) {
    const data = bytes.subarray(offset, offset + chunk);
    const r = expectResponse('upload-chunk', await ctx.call('upload-chunk', { offset }, { binary: data }), deviceOps['upload-chunk'].response);
    if (!r.ok) return r.result;
    if (r.value.offset !== offset + data.length) return fail('upload-chunk: the durable offset did not advance by the chunk', [mismatch('upload-chunk.offset', String(offset + data.length), r.value.offset)]);
    offset = r.value.offset;
  }
  return null;
}

/** activate → trial, with the checks of section 8.2; the status after it. */
async function activateTrial(ctx: CheckContext, sha: string): Promise<{ ok: true; status: DeviceStatus } | { ok: false; result: CheckResult }> {
  const r = expectResponse('activate', await ctx.call('activate', { healthyWindowSec: 0, maxLatencyMs: 10_000, selfTestRuns: 1 }), deviceOps.activate.response);
  if (!r.ok) return r;
  const a = r.value;
  if (a.outcome !== 'trial') return { ok: false, result: fail(`activate: the model did not pass the health check (${a.health.reason ?? 'no reason given'})`, [mismatch('activate.outcome', '"trial"', a.outcome)]) };
  const s = a.status;
  const problems: Problem[] = [];
  if (s.state !== 'trial') problems.push(mismatch('activate.status.state', '"trial"', s.state));
  if (s.active?.manifest.sha256 !== sha) problems.push(mismatch('activate.status.active.manifest.sha256', `the uploaded model (${sha.slice(0, 12)}…)`, s.active?.manifest.sha256));
  if (!s.trial || s.trial.slot !== s.active?.slot) problems.push(mismatch('activate.status.trial.slot', `the active slot (${s.active?.slot ?? '?'})`, s.trial?.slot ?? null));
  if (problems.length) return { ok: false, result: fail('activate: a model on trial must be active, with trial.slot = active.slot', problems) };
  return { ok: true, status: s };
}

function errorCheck(id: string, title: string, op: string, req: () => unknown, code: string, opts: { token?: null | string } = {}): Check {
  return {
    id,
    title,
    required: true,
    async run(ctx) {
      const a = await ctx.call(op, req(), opts.token === undefined ? {} : { token: opts.token });
      return expectError(op, a, code) ?? pass(`${op} refused with ${code}`);
    },
  };
}

const models = { a: tinyModel(1), b: tinyModel(2), c: tinyModel(3) };

export const pairingChecks: Check[] = [
  errorCheck('unauthorized', 'A request without a token is refused with UNAUTHORIZED', 'status', () => ({}), 'UNAUTHORIZED', { token: null }),
  {
    id: 'pair-wrong-code',
    title: 'A wrong pairing code is refused with PAIRING_CODE_INVALID (and does not use up the right one)',
    required: true,
    async run(ctx) {
      const wrong = ctx.code === 'WRONGCODE' ? 'WRONGCOD2' : 'WRONGCODE';
      const a = await ctx.call('pair', { code: wrong, consolePublicKey: ctx.publicPem, consoleName: 'edgefleet conformance' }, { token: null });
      return expectError('pair', a, 'PAIRING_CODE_INVALID') ?? pass('pair with a wrong code refused');
    },
  },
  {
    id: 'pair',
    title: 'pair: the right code gives a token, the device id and a 64-digit lowercase hex fingerprint',
    required: true,
    async run(ctx) {
      const r = expectResponse('pair', await ctx.call('pair', { code: ctx.code, consolePublicKey: ctx.publicPem, consoleName: 'edgefleet conformance' }, { token: null }), deviceOps.pair.response);
      if (!r.ok) return r.result;
      const problems: Problem[] = [];
      if (!r.value.token) problems.push(mismatch('pair.token', 'a non-empty secret', r.value.token));
      if (!r.value.deviceId) problems.push(mismatch('pair.deviceId', 'a non-empty id', r.value.deviceId));
      if (!/^[0-9a-f]{64}$/.test(r.value.certFingerprint)) problems.push(mismatch('pair.certFingerprint', '64 lowercase hex digits (section 8.5)', r.value.certFingerprint));
      if (problems.length) return fail('pair: the response is not usable', problems);
      ctx.token = r.value.token;
      ctx.deviceId = r.value.deviceId;
      return pass(`paired with ${r.value.deviceId}`);
    },
  },
  errorCheck('wrong-token', 'A request with a token other than the one pairing gave is refused with UNAUTHORIZED', 'status', () => ({}), 'UNAUTHORIZED', { token: 'not-the-token' }),
];

export const operationChecks: Check[] = [
  {
    id: 'info',
    title: 'info: the response matches the protocol',
    required: true,
    async run(ctx) {
      const r = expectResponse('info', await ctx.call('info'), deviceOps.info.response);
      return r.ok ? pass(`${r.value.name} · ${r.value.arch}`) : r.result;
    },
  },
  {
    id: 'status',
    title: 'status: the response matches the protocol (slots, trial, upload, health)',
    required: true,
    async run(ctx) {
      const r = await statusOf(ctx);
      if (!r.ok) return r.result;
      ctx.release = Math.max(ctx.release, (r.value.release ?? 0) + 1);
      return pass(`state ${r.value.state}, release ${r.value.release ?? 0}`);
    },
  },
  {
    id: 'telemetry',
    title: 'telemetry: the response matches the protocol',
    required: true,
    async run(ctx) {
      const r = expectResponse('telemetry', await ctx.call('telemetry', { limit: 5 }), deviceOps.telemetry.response);
      return r.ok ? pass(`${r.value.history.length} history entries`) : r.result;
    },
  },
  errorCheck('unknown-op', 'An operation the device does not know is refused with NOT_FOUND', 'no-such-operation', () => ({}), 'NOT_FOUND'),
  errorCheck('request-invalid', 'A request that fails its schema is refused with REQUEST_INVALID', 'activate', () => ({ selfTestRuns: 'five' }), 'REQUEST_INVALID'),
  errorCheck('unsigned', 'upload-begin with an unsigned manifest is refused with MANIFEST_SIGNATURE_INVALID', 'upload-begin', () => ({ manifest: { name: 'x', version: '1', sha256: sha256(models.a), size: models.a.length, created: new Date().toISOString() }, signature: '' }), 'MANIFEST_SIGNATURE_INVALID'),
  {
    id: 'signature-refused',
    title: "upload-begin with a manifest another console's key signed is refused with MANIFEST_SIGNATURE_INVALID",
    required: true,
    async run(ctx) {
      const other = generateKeyPairSync('ed25519').privateKey;
      const a = await ctx.call('upload-begin', ctx.sign(models.a, 'conformance-foreign', {}, other));
      return expectError('upload-begin', a, 'MANIFEST_SIGNATURE_INVALID') ?? pass('a foreign signature refused');
    },
  },
  {
    id: 'hash-refused',
    title: "An upload whose bytes do not hash to the manifest's sha256 is refused with ARTIFACT_HASH_MISMATCH",
    required: true,
    async run(ctx) {
      const signed = ctx.sign(models.a, 'conformance-hash', { sha256: sha256(models.b), size: models.a.length });
      const begun = expectResponse('upload-begin', await ctx.call('upload-begin', signed), deviceOps['upload-begin'].response);
      if (!begun.ok) return begun.result;
      const a = await ctx.call('upload-chunk', { offset: begun.value.offset }, { binary: models.a.subarray(begun.value.offset) });
      return expectError('upload-chunk', a, 'ARTIFACT_HASH_MISMATCH') ?? pass('the last chunk refused: the bytes are not the signed ones');
    },
  },
  {
    id: 'upload-resume',
    title: 'Upload with resume: upload-begin again answers the durable offset, a chunk elsewhere gets UPLOAD_OFFSET_MISMATCH',
    required: true,
    async run(ctx) {
      const bytes = models.a;
      const signed = ctx.sign(bytes, 'conformance-a');
      const begun = expectResponse('upload-begin', await ctx.call('upload-begin', signed), deviceOps['upload-begin'].response);
      if (!begun.ok) return begun.result;
      if (begun.value.offset !== 0) return fail('upload-begin with a new manifest must start at 0', [mismatch('upload-begin.offset', '0', begun.value.offset)]);
      const half = Math.floor(bytes.length / 2);
      const first = expectResponse('upload-chunk', await ctx.call('upload-chunk', { offset: 0 }, { binary: bytes.subarray(0, half) }), deviceOps['upload-chunk'].response);
      if (!first.ok) return first.result;
      const again = expectResponse('upload-begin', await ctx.call('upload-begin', signed), deviceOps['upload-begin'].response);
      if (!again.ok) return again.result;
      if (again.value.offset !== half) return fail('upload-begin with the same signed manifest is a resume', [mismatch('upload-begin.offset', `${half} (the bytes stored)`, again.value.offset)]);
      const misplaced = expectError('upload-chunk', await ctx.call('upload-chunk', { offset: 0 }, { binary: bytes.subarray(0, 16) }), 'UPLOAD_OFFSET_MISMATCH');
      if (misplaced) return misplaced;
      const st = expectResponse('upload-status', await ctx.call('upload-status'), deviceOps['upload-status'].response);
      if (!st.ok) return st.result;
      if (st.value.upload?.offset !== half) return fail('upload-status must report the durable offset', [mismatch('upload-status.upload.offset', String(half), st.value.upload?.offset)]);
      const rest = expectResponse('upload-chunk', await ctx.call('upload-chunk', { offset: half }, { binary: bytes.subarray(half) }), deviceOps['upload-chunk'].response);
      if (!rest.ok) return rest.result;
      if (!rest.value.complete || rest.value.offset !== bytes.length) return fail('the last chunk must complete the upload', [mismatch('upload-chunk.complete', 'true', rest.value.complete), mismatch('upload-chunk.offset', String(bytes.length), rest.value.offset)]);
      return pass(`${bytes.length} bytes in two chunks, resumed at ${half}`);
    },
  },
  {
    id: 'trial',
    title: 'activate: the model goes on trial in the other slot and is active (trial.slot = active.slot)',
    required: true,
    async run(ctx) {
      const before = await statusOf(ctx);
      if (!before.ok) return before.result;
      const t = await activateTrial(ctx, sha256(models.a));
      if (!t.ok) return t.result;
      const problems: Problem[] = [];
      const was = before.value.active;
      if (was && t.status.active?.slot === was.slot) problems.push(mismatch('activate.status.active.slot', `the slot other than ${was.slot}`, t.status.active?.slot));
      if (was && t.status.previous?.manifest.sha256 !== was.manifest.sha256) problems.push(mismatch('activate.status.previous.manifest.sha256', 'the model that was active', t.status.previous?.manifest.sha256));
      return problems.length ? fail('activate: the slots did not move as section 8.2 says', problems) : pass(`on trial in slot ${t.status.active?.slot}`);
    },
  },
  {
    id: 'confirm',
    title: 'confirm: the trial ends, the model stays active',
    required: true,
    async run(ctx) {
      const r = expectResponse('confirm', await ctx.call('confirm', {}), deviceOps.confirm.response);
      if (!r.ok) return r.result;
      const problems: Problem[] = [];
      if (r.value.state !== 'running') problems.push(mismatch('confirm.state', '"running"', r.value.state));
      if (r.value.trial !== null) problems.push(mismatch('confirm.trial', 'null', r.value.trial));
      if (r.value.active?.manifest.sha256 !== sha256(models.a)) problems.push(mismatch('confirm.active.manifest.sha256', 'the confirmed model', r.value.active?.manifest.sha256));
      return problems.length ? fail('confirm: the status is wrong', problems) : pass('running, trial cleared');
    },
  },
  errorCheck('confirm-no-trial', 'confirm with nothing on trial is refused with NOT_IN_TRIAL', 'confirm', () => ({}), 'NOT_IN_TRIAL'),
  errorCheck('activate-incomplete', 'activate without a complete upload is refused with UPLOAD_INCOMPLETE', 'activate', () => ({ healthyWindowSec: 0 }), 'UPLOAD_INCOMPLETE'),
  {
    id: 'rollback-swap',
    title: 'rollback without a trial: the previous model serves again and the two slots swap',
    required: true,
    async run(ctx) {
      const up = await upload(ctx, models.b, ctx.sign(models.b, 'conformance-b'));
      if (up) return up;
      const t = await activateTrial(ctx, sha256(models.b));
      if (!t.ok) return t.result;
      const c = expectResponse('confirm', await ctx.call('confirm', {}), deviceOps.confirm.response);
      if (!c.ok) return c.result;
      const r = expectResponse('rollback', await ctx.call('rollback', {}), deviceOps.rollback.response);
      if (!r.ok) return r.result;
      const problems: Problem[] = [];
      if (r.value.active?.manifest.sha256 !== sha256(models.a)) problems.push(mismatch('rollback.active.manifest.sha256', 'the model active before (conformance-a)', r.value.active?.manifest.name));
      if (r.value.previous?.manifest.sha256 !== sha256(models.b)) problems.push(mismatch('rollback.previous.manifest.sha256', 'the model rolled back from (conformance-b)', r.value.previous?.manifest.name ?? null));
      return problems.length ? fail('rollback: the slots did not swap', problems) : pass('a serves again, b is previous');
    },
  },
  {
    id: 'rollback-trial',
    title: 'rollback during a trial: back to the model that was active, with nothing left to roll back to',
    required: true,
    async run(ctx) {
      const up = await upload(ctx, models.c, ctx.sign(models.c, 'conformance-c'));
      if (up) return up;
      const t = await activateTrial(ctx, sha256(models.c));
      if (!t.ok) return t.result;
      const r = expectResponse('rollback', await ctx.call('rollback', {}), deviceOps.rollback.response);
      if (!r.ok) return r.result;
      const problems: Problem[] = [];
      if (r.value.active?.manifest.sha256 !== sha256(models.a)) problems.push(mismatch('rollback.active.manifest.sha256', 'the model active before the trial (conformance-a)', r.value.active?.manifest.name));
      if (r.value.trial !== null) problems.push(mismatch('rollback.trial', 'null', r.value.trial));
      if (r.value.previous !== null) problems.push(mismatch('rollback.previous', 'null (a revert leaves nothing to roll back to)', r.value.previous?.manifest.name));
      return problems.length ? fail('rollback during a trial: wrong status', problems) : pass('reverted to a, previous empty');
    },
  },
  errorCheck('rollback-nothing', 'rollback with nothing to roll back to is refused with NO_PREVIOUS_MODEL', 'rollback', () => ({}), 'NO_PREVIOUS_MODEL'),
  {
    id: 'release-replay',
    title: 'A manifest whose release is not above the highest accepted is refused with RELEASE_COUNTER_REPLAY',
    required: true,
    async run(ctx) {
      const s = await statusOf(ctx);
      if (!s.ok) return s.result;
      const a = await ctx.call('upload-begin', ctx.sign(models.b, 'conformance-replay', { release: s.value.release ?? 0 }));
      return expectError('upload-begin', a, 'RELEASE_COUNTER_REPLAY') ?? pass(`release ${s.value.release ?? 0} refused again`);
    },
  },
  {
    id: 'profile',
    title: 'profile: a profile of the active model, or a refusal with a documented code',
    required: false,
    async run(ctx) {
      const a = await ctx.call('profile', { runs: 3, warmup: 1 });
      if (a.kind === 'response') return pass('the device profiles its model');
      const refused = expectError('profile', a, 'NOT_FOUND');
      return refused ? skip('the device does not profile (it answered another code than NOT_FOUND)') : pass('the device does not profile (NOT_FOUND)');
    },
  },
];
