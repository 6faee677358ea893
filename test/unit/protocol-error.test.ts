// The protocol error formatter: each zod issue kind a device message can fail with, in words that name
// the operation, the field path, what was expected and what came, and where the message is documented.
import { describe, expect, it } from 'vitest';
import { toErrorData } from '../../electron/core/api/errors.js';
import { dispatchRequest, type DeviceHandlers } from '../../resources/device-protocol/device-handler.js';
import { deviceOps } from '../../resources/device-protocol/messages.js';
import { readResponse, requestRefusal, responseError } from '../../resources/device-protocol/protocol-error.js';

const health = { ok: true, loaded: true, finite: true, runs: 5, latencyMs: 1.5, maxLatencyMs: 1000, reason: null, checkedAt: '2025-01-15T09:31:02.000Z' };
const status = { deviceId: 'dev-1', state: 'running', active: null, previous: null, trial: null, upload: null, lastHealth: health, lastEvent: null };

/** The DEVICE_PROTOCOL error readResponse throws for this status. */
function statusError(raw: unknown) {
  try {
    readResponse('status', raw);
  } catch (err) {
    return toErrorData(err);
  }
  throw new Error('the status was read without an error');
}

describe('protocol errors: responses the console cannot read', () => {
  it('a valid response passes through with its defaults applied', () => {
    expect(readResponse('status', status)).toMatchObject({ deviceId: 'dev-1', lastHealth: { runs: 5 } });
  });

  it('wrong type: the path under the operation, "an integer", the value that came', () => {
    const e = statusError({ ...status, lastHealth: { ...health, runs: 'five' } });
    expect(e.code).toBe('DEVICE_PROTOCOL');
    expect(e.title).toBe('The device sent a reply the console cannot read');
    expect(e.detail).toBe(
      'The status response does not match the protocol (1 problem): `status.lastHealth.runs`: expected an integer, received "five". ' +
        "Fix the device's status response: see resources/device-protocol/reference/MESSAGES.md#status.",
    );
  });

  it('a fraction where an integer belongs, and a number that came as a boolean', () => {
    const e = statusError({ ...status, lastHealth: { ...health, runs: 2.5, ok: 1 } });
    expect(e.detail).toContain('`status.lastHealth.ok`: expected true or false, received 1 (number)');
    expect(e.detail).toContain('`status.lastHealth.runs`: expected an integer, received 2.5 (number)');
    expect(e.detail).toContain('(2 problems)');
  });

  it('missing: the required field is named and said to be missing; a nullable one says "or null"', () => {
    const { deviceId: _, lastEvent: __, ...without } = status;
    const e = statusError(without);
    expect(e.detail).toContain('`status.deviceId`: expected a string, received nothing (the field is missing)');
    expect(e.detail).toContain('`status.lastEvent`: expected an object or null, received nothing (the field is missing)');
    expect(statusError({ ...status, lastHealth: { ...health, latencyMs: 'fast' } }).detail).toContain('`status.lastHealth.latencyMs`: expected a number or null, received "fast"');
  });

  it('enum: the allowed values and the one that came', () => {
    expect(statusError({ ...status, state: 'busy' }).detail).toContain('`status.state`: expected one of "empty", "running", "trial", received "busy"');
  });

  it('too big and too small: the limit in words', () => {
    const big = requestRefusal('profile', deviceOps.profile.request.safeParse({ runs: 20_000 }).error!, { runs: 20_000 });
    expect(big.detail).toContain('`profile.runs`: expected a number ≤ 10000, received 20000 (number)');
    const small = deviceOps.pair.request.safeParse({ code: 'AB', consolePublicKey: 'k', consoleName: 'c' });
    expect(requestRefusal('pair', small.error!, { code: 'AB' }).detail).toContain('`pair.code`: expected a string of at least 4 characters, received "AB"');
    const positive = deviceOps.telemetry.request.safeParse({ limit: 0 });
    expect(requestRefusal('telemetry', positive.error!, { limit: 0 }).detail).toContain('`telemetry.limit`: expected a number > 0, received 0 (number)');
  });

  it('unrecognized: a field a strict request does not take', () => {
    const r = deviceOps.confirm.request.safeParse({ expectTrialSha256: 'a'.repeat(64), force: true });
    const e = requestRefusal('confirm', r.error!, {});
    expect(e.code).toBe('REQUEST_INVALID');
    expect(e.title).toBe('Invalid confirm request');
    expect(e.detail).toBe('The device refused the confirm request: `confirm`: expected no other fields, received field "force". The request must match resources/device-protocol/reference/MESSAGES.md#confirm.');
  });

  it('format: a regex with a message says what it wants', () => {
    const r = deviceOps.rollback.request.safeParse({ ifActiveSha256: 'ABC' });
    expect(requestRefusal('rollback', r.error!, { ifActiveSha256: 'ABC' }).detail).toContain('`rollback.ifActiveSha256`: expected a lowercase hex SHA-256, received "ABC"');
  });

  it('abbreviates long values, describes objects and arrays by their shape, and never shows a token', () => {
    const long = 'x'.repeat(500);
    expect(statusError({ ...status, deviceId: { a: 1, b: 2 } }).detail).toContain('`status.deviceId`: expected a string, received an object with fields a, b');
    expect(statusError({ ...status, deviceId: [1, 2] }).detail).toContain('received an array of 2 items');
    const e = statusError({ ...status, state: long });
    expect(e.detail).toContain(`received "${'x'.repeat(38)}…`);
    expect(e.detail).not.toContain('x'.repeat(60));
    const pair = responseError('pair', deviceOps.pair.response.safeParse({ deviceId: 'd', token: 42, certFingerprint: 'f' }).error!, { token: 42 });
    expect(pair.detail).toContain('`pair.token`: expected a string, received a number (not shown)');
    expect(pair.detail).not.toContain('42');
  });

  it('names at most four problems and counts the rest', () => {
    const e = statusError({});
    expect(e.detail).toContain('(8 problems)');
    expect(e.detail.match(/`status\./g)).toHaveLength(4);
    expect(e.detail).toContain('and 4 more problems');
  });

  it('a whole message of the wrong type (null, a string)', () => {
    expect(statusError(null).detail).toContain('`status`: expected an object, received null');
    expect(statusError('ok').detail).toContain('`status`: expected an object, received "ok"');
  });

  it('a zod error caught far from its parse is described, not dumped as JSON', () => {
    const r = deviceOps.status.response.safeParse({ ...status, state: 3 });
    const e = toErrorData(r.error);
    expect(e.code).toBe('DATA_INVALID');
    expect(e.detail).toContain('`value.state`: expected one of "empty", "running", "trial"');
    expect(e.detail).not.toMatch(/^\[|"code":/);
  });
});

describe('protocol errors: requests a device refuses', () => {
  const handlers = new Proxy({}, { get: () => async () => ({}) }) as DeviceHandlers;

  it('dispatchRequest refuses with REQUEST_INVALID naming the field, expected and received', async () => {
    await expect(dispatchRequest(handlers, 'activate', { selfTestRuns: 'five' }, {})).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
      title: 'Invalid activate request',
      detail: expect.stringContaining('`activate.selfTestRuns`: expected an integer, received "five"'),
    });
    await expect(dispatchRequest(handlers, 'activate', { selfTestRuns: 500 }, {})).rejects.toMatchObject({ detail: expect.stringContaining('`activate.selfTestRuns`: expected a number ≤ 100, received 500 (number)') });
  });
});
