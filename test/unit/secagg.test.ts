import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { SecAggClient, type ClientUpdate } from '../../electron/core/federated/secagg/client.js';
import {
  addInto,
  checkFixedPoint,
  decodeSum,
  defaultFixedPoint,
  dequantizeSum,
  encodeUpdate,
  quantizationStep,
  quantize,
  quantizedWeight,
  reduceMod,
  subtractInto,
  type FixedPointConfig,
  type Rounding,
} from '../../electron/core/federated/secagg/fixed-point.js';
import { buildRing, seededShuffle } from '../../electron/core/federated/secagg/graph.js';
import { expandMask, generateKeyPair, open, pairwiseSeed, publicKeyOf, seal } from '../../electron/core/federated/secagg/masks.js';
import { decodeVector, type SecAggReply, type SecAggRequest, type SecAggStage, type UnmaskRequest } from '../../electron/core/federated/secagg/messages.js';
import { SecAggServer, type SecAggResult, type SecAggServerOptions } from '../../electron/core/federated/secagg/server.js';
import { combineShares, decodeShare, encodeShare, fieldPrime, splitSecret } from '../../electron/core/federated/secagg/shamir.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';

/** Every message crosses the "wire" as JSON, as it would over MQTT or HTTP. */
const wire = <T>(m: T): T => JSON.parse(JSON.stringify(m)) as T;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

const ids = Array.from({ length: 10 }, (_, i) => `dev-${String(i).padStart(2, '0')}`);

function makeUpdates(clientIds: readonly string[], paramCount: number, seed: number): Map<string, ClientUpdate> {
  const rnd = seededRandom(seed);
  const out = new Map<string, ClientUpdate>();
  for (const id of clientIds) {
    const params = new Float64Array(paramCount);
    for (let i = 0; i < paramCount; i++) params[i] = (rnd() - 0.5) * 6;
    // A few beyond the clipping range, to exercise the clip on both ends.
    params[0] = 20;
    params[1] = -30;
    out.set(id, { params, sampleCount: 50 + Math.floor(rnd() * 1500) });
  }
  return out;
}

type Silent = Partial<Record<SecAggStage, readonly string[]>>;

interface RoundRun {
  server: SecAggServer;
  clients: Map<string, SecAggClient>;
  updates: Map<string, ClientUpdate>;
  /** Masked vectors as the clients sent them (what the server saw). */
  masked: Map<string, Uint32Array>;
  /** The requests and replies of each stage, for replay tests. */
  log: { stage: SecAggStage; requests: SecAggRequest[]; replies: SecAggReply[] }[];
  result: SecAggResult | null;
  error: AppError | null;
}

function runRound(opts: { silent?: Silent; server?: Partial<SecAggServerOptions>; paramCount?: number; rounding?: Rounding; seed?: number } = {}): RoundRun {
  const paramCount = opts.paramCount ?? 5000;
  const server = new SecAggServer({ roundId: 'round-1', clientIds: ids, paramCount, numShares: 7, threshold: 4, graphSeed: Buffer.alloc(32, 7), ...opts.server });
  const clients = new Map(ids.map((id) => [id, new SecAggClient({ clientId: id, rounding: opts.rounding ?? 'stochastic', random: seededRandom(`${id}-rounding`) })]));
  const updates = makeUpdates(ids, paramCount, opts.seed ?? 1);
  const masked = new Map<string, Uint32Array>();
  const log: RoundRun['log'] = [];
  const cfg = server.config;
  let requests: SecAggRequest[] = server.start();
  try {
    for (;;) {
      const stage = server.stage as SecAggStage;
      const replies: SecAggReply[] = [];
      for (const req of requests) {
        if (opts.silent?.[stage]?.includes(req.clientId)) continue;
        const reply = wire(clients.get(req.clientId)!.handle(wire(req), updates.get(req.clientId)));
        if (reply.stage === 'masked-input') masked.set(reply.clientId, decodeVector(reply.masked, cfg.paramCount + 1, cfg.modulusRange, 'test'));
        server.receive(reply);
        replies.push(reply);
      }
      log.push({ stage, requests, replies });
      const outcome = server.closeStage();
      if (outcome.result) return { server, clients, updates, masked, log, result: outcome.result, error: null };
      requests = outcome.requests;
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { server, clients, updates, masked, log, result: null, error: err };
  }
}

/** Σ w·clip(x) over the given clients, with the weight each one actually sends. */
function plainWeightedSum(updates: Map<string, ClientUpdate>, who: readonly string[], cfg: FixedPointConfig) {
  const n = updates.values().next().value!.params.length;
  const sum = new Float64Array(n);
  let total = 0;
  for (const id of who) {
    const u = updates.get(id)!;
    const { weight } = quantizedWeight(u.sampleCount, cfg);
    total += weight;
    for (let i = 0; i < n; i++) sum[i] += weight * Math.max(-cfg.clippingRange, Math.min(cfg.clippingRange, u.params[i]));
  }
  return { sum, total };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function expectExactSum(run: RoundRun, contributors: readonly string[], rounding: Rounding = 'stochastic') {
  expect(run.error).toBeNull();
  const result = run.result!;
  expect(result.contributors).toEqual([...contributors].sort());
  const cfg = run.server.config;
  const plain = plainWeightedSum(run.updates, contributors, cfg);
  // Each client's entry errs by under one quantization step (half a step when rounding deterministically),
  // in weight-ratio units; the sum is in sample units (× maxWeight).
  const perClient = quantizationStep(cfg) * cfg.maxWeight * (rounding === 'stochastic' ? 1 : 0.5);
  expect(maxAbsDiff(result.weightedSum, plain.sum)).toBeLessThanOrEqual(contributors.length * perClient + 1e-9);
  expect(result.totalWeight).toBeCloseTo(plain.total, 9);
  const mean = result.mean!;
  for (const i of [0, 1, 2, 123, mean.length - 1]) expect(mean[i]).toBeCloseTo(plain.sum[i] / plain.total, 4);
}

describe('SecAgg+ round: the server gets the weighted sum of the survivors, nothing else', () => {
  it('no dropouts: the sum of all 10 clients to fixed-point precision', () => {
    const run = runRound();
    expectExactSum(run, ids);
    expect(run.result!.reports.map((r) => [r.stage, r.asked, r.answered, r.rejected])).toEqual([
      ['setup', 10, 10, 0],
      ['share-keys', 10, 10, 0],
      ['masked-input', 10, 10, 0],
      ['unmask', 10, 10, 0],
    ]);
  });

  for (const k of [1, 2, 3]) {
    it(`${k} client${k === 1 ? '' : 's'} dropping after sending shares, before masked input: their pairwise masks are rebuilt and removed`, () => {
      const gone = ids.slice(2, 2 + k);
      const run = runRound({ silent: { 'masked-input': gone } });
      expectExactSum(
        run,
        ids.filter((id) => !gone.includes(id)),
      );
      const report = run.result!.reports.find((r) => r.stage === 'masked-input')!;
      expect(report).toMatchObject({ asked: 10, answered: 10 - k, dropped: gone });
      expect(run.result!.reports.find((r) => r.stage === 'unmask')!.asked).toBe(10 - k);
    });
  }

  it('3 adjacent clients on the ring dropping (the worst case for one neighbourhood) still unmask', () => {
    const probe = new SecAggServer({ roundId: 'round-1', clientIds: ids, paramCount: 10, numShares: 7, threshold: 4, graphSeed: Buffer.alloc(32, 7) });
    const gone = probe.ringOrder.slice(4, 7);
    expectExactSum(
      runRound({ silent: { 'masked-input': gone } }),
      ids.filter((id) => !gone.includes(id)),
    );
  });

  it('a client dropping after its masked input, before unmasking: it stays in the sum, its self mask is rebuilt', () => {
    const run = runRound({ silent: { unmask: ['dev-05'] } });
    expectExactSum(run, ids);
    expect(run.result!.reports.find((r) => r.stage === 'unmask')).toMatchObject({ asked: 10, answered: 9, dropped: ['dev-05'] });
  });

  it('dropouts at every stage together, deterministic rounding (half-step bound)', () => {
    // Four clients leave in all, so neighbourhoods of 9 with threshold 5 (7 and 4 would be one short).
    const run = runRound({ rounding: 'deterministic', server: { numShares: 9, threshold: 5 }, silent: { setup: ['dev-09'], 'share-keys': ['dev-08'], 'masked-input': ['dev-07'], unmask: ['dev-06'] } });
    expectExactSum(
      run,
      ids.filter((id) => !['dev-09', 'dev-08', 'dev-07'].includes(id)),
      'deterministic',
    );
    expect(run.result!.reports.map((r) => r.dropped)).toEqual([['dev-09'], ['dev-08'], ['dev-07'], ['dev-06']]);
  });

  it('works with a smaller power-of-two modulus (reduction mod 2^28)', () => {
    const run = runRound({ paramCount: 300, server: { modulusRange: 2 ** 28, quantizationRange: 2 ** 18, clippingRange: 4 }, silent: { 'masked-input': ['dev-01'] } });
    expectExactSum(
      run,
      ids.filter((id) => id !== 'dev-01'),
    );
    for (const v of run.masked.values()) expect(Math.max(...v)).toBeLessThan(2 ** 28);
  });

  it('every masked vector the server received is unrelated to its client’s quantized input', () => {
    const run = runRound({ silent: { 'masked-input': ['dev-03'] } });
    const cfg = run.server.config;
    expect(run.masked.size).toBe(9);
    for (const [id, v] of run.masked) {
      const u = run.updates.get(id)!;
      const quantized = encodeUpdate(u.params, u.sampleCount, cfg, { rounding: 'deterministic' });
      expect(Math.abs(correlation(v, quantized))).toBeLessThan(0.1);
      let close = 0;
      for (let i = 0; i < v.length; i++) if (Math.abs(v[i] - quantized[i]) <= 2) close++;
      expect(close).toBe(0);
      // Dequantizing it as if it were a lone update gives noise spread over the whole range, not the params.
      const naive = decodeSum(v, 1, cfg).weightedSum;
      expect(Math.abs(correlation(naive, u.params))).toBeLessThan(0.1);
    }
  });
});

describe('SecAgg+ server rejects what does not belong to the round', () => {
  function openRound() {
    const server = new SecAggServer({ roundId: 'round-7', clientIds: ids, paramCount: 16, numShares: 5, threshold: 3 });
    const clients = new Map(ids.map((id) => [id, new SecAggClient({ clientId: id })]));
    const updates = makeUpdates(ids, 16, 3);
    return { server, clients, updates };
  }

  it('a replayed reply (same client, same stage) is SECAGG_DUPLICATE, and counted', () => {
    const { server, clients } = openRound();
    const [req] = server.start();
    const reply = wire(clients.get(req.clientId)!.handle(wire(req)));
    server.receive(reply);
    const err = errorOf(() => server.receive(reply));
    expect(err.code).toBe('SECAGG_DUPLICATE');
    expect(err.detail).toContain(req.clientId);
    // A retransmitted request gets the very same reply, so a retry cannot smuggle in new keys.
    expect(clients.get(req.clientId)!.handle(wire(req))).toEqual(reply);
  });

  it('a reply for another round is SECAGG_WRONG_ROUND; unknown clients and malformed replies are refused too', () => {
    const { server, clients } = openRound();
    const [req] = server.start();
    const reply = wire(clients.get(req.clientId)!.handle(wire(req)));
    expect(codeOf(() => server.receive({ ...reply, roundId: 'round-6' }))).toBe('SECAGG_WRONG_ROUND');
    expect(codeOf(() => server.receive({ ...reply, clientId: 'intruder' }))).toBe('SECAGG_UNKNOWN_CLIENT');
    expect(codeOf(() => server.receive({ ...reply, maskKey: 'not base64!' }))).toBe('SECAGG_BAD_MESSAGE');
    expect(codeOf(() => server.receive({ ...reply, maskKey: Buffer.alloc(31, 1).toString('base64') }))).toBe('SECAGG_BAD_MESSAGE');
    expect(codeOf(() => server.receive({ ...reply, stage: 'unmask' }))).toBe('SECAGG_OUT_OF_ORDER');
    server.receive(reply);
    expect(server.waitingFor()).toHaveLength(9);
  });

  it('a late reply after its stage closed is SECAGG_LATE; a reply from a client dropped earlier is SECAGG_DROPPED', () => {
    const { server, clients, updates } = openRound();
    const setup = server.start();
    const late = setup.find((r) => r.clientId === 'dev-04')!;
    for (const req of setup) if (req !== late) server.receive(wire(clients.get(req.clientId)!.handle(wire(req))));
    const lateReply = wire(clients.get('dev-04')!.handle(wire(late)));
    const { requests, report } = server.closeStage();
    expect(report).toMatchObject({ stage: 'setup', answered: 9, dropped: ['dev-04'] });
    const err = errorOf(() => server.receive(lateReply));
    expect(err.code).toBe('SECAGG_LATE');
    expect(err.detail).toMatch(/after the setup stage of round round-7 closed/);
    // dev-04 is not asked again; anything it sends for a later stage is refused.
    expect(requests.map((r) => r.clientId)).not.toContain('dev-04');
    const forged = { protocol: 'secagg+', kind: 'reply', roundId: 'round-7', clientId: 'dev-04', stage: 'share-keys', shares: [] };
    expect(codeOf(() => server.receive(forged))).toBe('SECAGG_DROPPED');
    for (const req of requests) server.receive(wire(clients.get(req.clientId)!.handle(wire(req), updates.get(req.clientId))));
    // The late setup reply and the forged one both arrived while share-keys was open.
    expect(server.closeStage().report.rejected).toBe(2);
  });

  it('the verify seam: a reply whose envelope does not verify is SECAGG_UNVERIFIED', () => {
    const seen: string[] = [];
    const server = new SecAggServer({
      roundId: 'round-8',
      clientIds: ids,
      paramCount: 4,
      numShares: 5,
      threshold: 3,
      verify: (clientId, message) => {
        seen.push(`${clientId}:${message.stage}`);
        return clientId !== 'dev-02';
      },
    });
    for (const req of server.start()) {
      const reply = wire(new SecAggClient({ clientId: req.clientId }).handle(wire(req)));
      if (req.clientId === 'dev-02') expect(codeOf(() => server.receive(reply))).toBe('SECAGG_UNVERIFIED');
      else server.receive(reply);
    }
    expect(seen).toHaveLength(10);
    expect(server.closeStage().report).toMatchObject({ answered: 9, dropped: ['dev-02'], rejected: 1 });
  });

  it('a share-keys reply that does not address exactly its neighbours is refused', () => {
    const run = runRound({ paramCount: 8 });
    const { requests, replies } = run.log.find((l) => l.stage === 'share-keys')!;
    const server = new SecAggServer({ roundId: 'round-1', clientIds: ids, paramCount: 8, numShares: 7, threshold: 4, graphSeed: Buffer.alloc(32, 7) });
    const clients = new Map(ids.map((id) => [id, new SecAggClient({ clientId: id })]));
    for (const req of server.start()) server.receive(wire(clients.get(req.clientId)!.handle(wire(req))));
    const [req] = server.closeStage().requests;
    const reply = wire(clients.get(req.clientId)!.handle(wire(req))) as Extract<SecAggReply, { stage: 'share-keys' }>;
    expect(codeOf(() => server.receive({ ...reply, shares: reply.shares.slice(1) }))).toBe('SECAGG_BAD_MESSAGE');
    server.receive(reply);
    expect(requests).toHaveLength(10);
    expect(replies).toHaveLength(10);
  });
});

describe('SecAgg+ threshold: too many dropouts fail the round with the numbers', () => {
  it('7 of 10 silent at masked input: SECAGG_THRESHOLD naming answered and needed', () => {
    const run = runRound({ paramCount: 50, silent: { 'masked-input': ids.slice(0, 7) } });
    expect(run.result).toBeNull();
    expect(run.error!.code).toBe('SECAGG_THRESHOLD');
    expect(run.error!.detail).toMatch(/failed at the masked-input stage: 3 of 10 clients answered/);
    expect(run.error!.detail).toMatch(/has \d of its 7 neighbourhood members left, 4 are needed/);
    expect(run.server.stage).toBe('failed');
    expect(run.server.reports.at(-1)).toMatchObject({ stage: 'masked-input', asked: 10, answered: 3 });
    expect(codeOf(() => run.server.receive(run.log[0].replies[0]))).toBe('SECAGG_ROUND_OVER');
  });

  it('4 ring members silent at setup around one that answered leave it short: fails after setup', () => {
    const probe = new SecAggServer({ roundId: 'round-1', clientIds: ids, paramCount: 10, numShares: 7, threshold: 4, graphSeed: Buffer.alloc(32, 7) });
    const gone = [3, 4, 6, 7].map((i) => probe.ringOrder[i]);
    const run = runRound({ paramCount: 10, silent: { setup: gone } });
    expect(run.error!.code).toBe('SECAGG_THRESHOLD');
    expect(run.error!.detail).toContain(`at the setup stage: 6 of 10 clients answered, and client ${probe.ringOrder[5]} has 3 of its 7 neighbourhood members left, 4 are needed`);
  });

  it('too few unmask answers: not enough shares of a secret', () => {
    const run = runRound({ paramCount: 10, silent: { unmask: ids.slice(0, 7) } });
    expect(run.error!.code).toBe('SECAGG_THRESHOLD');
    expect(run.error!.detail).toMatch(/at the unmask stage: 3 of 10 clients answered, and only [0-3] shares of the self mask of client dev-\d\d arrived, 4 are needed/);
  });

  it('settings that cannot work are SECAGG_CONFIG', () => {
    const base = { roundId: 'r', clientIds: ids, paramCount: 10, numShares: 5, threshold: 3 };
    expect(codeOf(() => new SecAggServer({ ...base, threshold: 5 }))).toBe('SECAGG_CONFIG');
    expect(codeOf(() => new SecAggServer({ ...base, threshold: 1 }))).toBe('SECAGG_CONFIG');
    expect(codeOf(() => new SecAggServer({ ...base, modulusRange: 3 * 2 ** 30 }))).toBe('SECAGG_CONFIG');
    expect(codeOf(() => new SecAggServer({ ...base, clientIds: Array.from({ length: 1100 }, (_, i) => `c${i}`) }))).toBe('SECAGG_CONFIG');
    expect(codeOf(() => new SecAggServer({ ...base, clientIds: ['a', 'b', 'c'], numShares: 7, threshold: 4 }))).toBe('SECAGG_CONFIG');
  });
});

describe('SecAgg+ client refuses requests that would leak', () => {
  it('an unmask request naming a neighbour both survivor and dropped, or a second different one, is SECAGG_REFUSED', () => {
    const run = runRound({ paramCount: 8, silent: { unmask: ids } });
    expect(run.error!.code).toBe('SECAGG_THRESHOLD');
    const unmaskReqs = run.log.find((l) => l.stage === 'unmask')!.requests as UnmaskRequest[];
    const req = unmaskReqs[0];
    const client = run.clients.get(req.clientId)!;
    const other = req.survivors.find((s) => s !== req.clientId)!;
    const both = { ...req, dropped: [...req.dropped, other] };
    expect(errorOf(() => client.handle(wire(both))).detail).toMatch(/listed both as survivor and as dropped/);
    client.handle(wire(req));
    const switched = { ...req, survivors: req.survivors.filter((s) => s !== other), dropped: [...req.dropped, other] };
    expect(errorOf(() => client.handle(wire(switched))).detail).toMatch(/already answered a different unmask request/);
    expect(client.handle(wire(req))).toEqual(client.handle(wire(req)));
  });

  it('requests out of order, for another client or another round are refused', () => {
    const run = runRound({ paramCount: 8 });
    const shareReq = run.log[1].requests[0];
    const fresh = new SecAggClient({ clientId: shareReq.clientId });
    expect(codeOf(() => fresh.handle(wire(shareReq)))).toBe('SECAGG_OUT_OF_ORDER');
    expect(codeOf(() => new SecAggClient({ clientId: 'someone-else' }).handle(wire(run.log[0].requests[0])))).toBe('SECAGG_REFUSED');
    const c = new SecAggClient({ clientId: shareReq.clientId });
    c.handle(wire(run.log[0].requests[0]));
    expect(codeOf(() => c.handle(wire({ ...shareReq, roundId: 'other' })))).toBe('SECAGG_WRONG_ROUND');
  });
});

describe('Shamir secret sharing over 2^255 − 19', () => {
  const rnd = seededRandom('shamir');
  const secret = Uint8Array.from({ length: 32 }, () => Math.floor(rnd() * 256));

  function subsets<T>(xs: readonly T[], k: number): T[][] {
    if (k === 0) return [[]];
    if (xs.length < k) return [];
    const [head, ...rest] = xs;
    return [...subsets(rest, k - 1).map((s) => [head, ...s]), ...subsets(rest, k)];
  }

  it('any 4 of 7 shares reconstruct the secret (all 35 subsets), through the byte encoding', () => {
    const shares = splitSecret(secret, 7, 4).map((s) => decodeShare(encodeShare(s)));
    const all = subsets(shares, 4);
    expect(all).toHaveLength(35);
    for (const s of all) expect(Buffer.from(combineShares(s, 4)).equals(Buffer.from(secret))).toBe(true);
    // More than the threshold works too (the first 4 are used).
    expect(Buffer.from(combineShares([...shares].reverse(), 4)).equals(Buffer.from(secret))).toBe(true);
  });

  it('t − 1 shares do not give the secret: refused at threshold t, and wrong if forced', () => {
    const shares = splitSecret(secret, 7, 4);
    const err = errorOf(() => combineShares(shares.slice(0, 3), 4));
    expect(err.code).toBe('SHAMIR_TOO_FEW_SHARES');
    expect(err.detail).toBe('3 shares were given, at least 4 are needed.');
    for (const s of subsets(shares, 3)) {
      let forced: Uint8Array | null = null;
      try {
        forced = combineShares(s, 3);
      } catch (e) {
        // A chunk may not even fit its length: just as far from the secret.
        expect((e as AppError).code).toBe('SHAMIR_INVALID_SHARE');
      }
      if (forced) expect(Buffer.from(forced).equals(Buffer.from(secret))).toBe(false);
    }
  });

  it('duplicate indices and mixed secrets are refused', () => {
    const shares = splitSecret(secret, 5, 3);
    expect(codeOf(() => combineShares([shares[0], shares[1], shares[1]], 3))).toBe('SHAMIR_DUPLICATE_SHARE');
    const other = splitSecret(new Uint8Array(16), 5, 3);
    expect(codeOf(() => combineShares([shares[0], shares[1], other[2]], 3))).toBe('SHAMIR_INVALID_SHARE');
    expect(codeOf(() => splitSecret(secret, 2, 3))).toBe('SHAMIR_INVALID_THRESHOLD');
    expect(codeOf(() => decodeShare(new Uint8Array(10)))).toBe('SHAMIR_INVALID_SHARE');
  });

  it('secrets above the field prime (all 0xff) and X25519 private keys round-trip', () => {
    const big = new Uint8Array(32).fill(0xff);
    expect(BigInt(`0x${Buffer.from(big).toString('hex')}`) > fieldPrime).toBe(true);
    expect(Buffer.from(combineShares(splitSecret(big, 3, 2).slice(1), 2)).equals(Buffer.from(big))).toBe(true);
    const { privateKey, publicKey } = generateKeyPair();
    const rebuilt = combineShares(splitSecret(privateKey, 5, 3).slice(2), 3);
    expect(Buffer.from(publicKeyOf(rebuilt)).equals(Buffer.from(publicKey))).toBe(true);
  });
});

describe('fixed point', () => {
  const cfg = checkFixedPoint({ ...defaultFixedPoint });
  const step = quantizationStep(cfg);
  const xs = Float64Array.from({ length: 10_000 }, seededRandom('fp')).map((u) => (u - 0.5) * 20);

  it('round trip within half a step (deterministic) or one step (stochastic), clipped to ±8', () => {
    for (const rounding of ['deterministic', 'stochastic'] as const) {
      const back = dequantizeSum(quantize(xs, cfg, { rounding, random: seededRandom(1) }), 1, cfg);
      const bound = rounding === 'deterministic' ? step / 2 : step;
      expect(maxAbsDiff(back, xs.map((x) => Math.max(-8, Math.min(8, x))))).toBeLessThanOrEqual(bound + 1e-12);
    }
    const q = quantize([-8, 8, 1e9, -Infinity], cfg);
    expect([...q]).toEqual([0, 2 ** 22, 2 ** 22, 0]);
    expect(codeOf(() => quantize([NaN], cfg))).toBe('SECAGG_INPUT');
  });

  it('stochastic rounding is unbiased', () => {
    const x = 0.123456789;
    const random = seededRandom(2);
    const reps = 20_000;
    const q = quantize(new Float64Array(reps).fill(x), cfg, { random });
    const mean = dequantizeSum(q, 1, cfg).reduce((a, b) => a + b, 0) / reps;
    expect(Math.abs(mean - x)).toBeLessThan(step / 20);
  });

  it('a sum of k clients subtracts k offsets, and masks wrap mod 2^32 and cancel', () => {
    const k = 7;
    const acc = new Uint32Array(xs.length);
    const mask = expandMask(Buffer.alloc(32, 9), xs.length);
    for (let c = 0; c < k; c++) addInto(acc, quantize(xs, cfg, { rounding: 'deterministic' }));
    addInto(acc, mask);
    subtractInto(acc, mask);
    const back = dequantizeSum(acc, k, cfg);
    expect(maxAbsDiff(back, xs.map((x) => k * Math.max(-8, Math.min(8, x))))).toBeLessThanOrEqual((k * step) / 2 + 1e-9);
    // Mod a smaller power of two the same holds after reduction.
    const small = checkFixedPoint({ ...cfg, modulusRange: 2 ** 26 });
    const a = reduceMod(quantize(xs, small, { rounding: 'deterministic' }), small.modulusRange);
    addInto(a, mask);
    subtractInto(a, mask);
    expect(maxAbsDiff(reduceMod(a, small.modulusRange), quantize(xs, small, { rounding: 'deterministic' }))).toBe(0);
  });

  it('weights: min(samples, maxWeight), first entry of the encoded update', () => {
    expect(quantizedWeight(5000, cfg).weight).toBe(1000);
    expect(quantizedWeight(250, cfg).weight).toBeCloseTo(250, 9);
    const enc = encodeUpdate([1, -1], 500, cfg, { rounding: 'deterministic' });
    expect(enc[0]).toBe(2 ** 21);
    const dec = decodeSum(enc, 1, cfg);
    expect(dec.totalWeight).toBe(500);
    expect(dec.weightedSum[0]).toBeCloseTo(500, 2);
    expect(dec.weightedSum[1]).toBeCloseTo(-500, 2);
  });
});

describe('ring graph and masks', () => {
  it('neighbourhoods: numShares members each, symmetric, reproducible from the seed', () => {
    const seed = Buffer.alloc(32, 3);
    const ring = buildRing(ids, 5, seed);
    expect([...ring.order].sort()).toEqual(ids);
    expect(buildRing([...ids].reverse(), 5, seed).order).toEqual(ring.order);
    expect(buildRing(ids, 5, Buffer.alloc(32, 4)).order).not.toEqual(ring.order);
    for (const [id, hood] of ring.neighbourhoods) {
      expect(hood).toHaveLength(5);
      expect(hood).toContain(id);
      for (const v of hood) expect(ring.neighbourhoods.get(v)).toContain(id);
    }
    // An even count is made odd, a count above the clients is everyone.
    expect(buildRing(ids, 4, seed).neighbourhoods.get('dev-00')).toHaveLength(5);
    expect(buildRing(ids, 31, seed).neighbourhoods.get('dev-00')).toHaveLength(10);
    expect(seededShuffle([1, 2, 3, 4, 5, 6], seed)).toEqual(seededShuffle([1, 2, 3, 4, 5, 6], seed));
  });

  it('both ends of a pair derive the same mask; shares sealed for one pair do not open for another', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    const c = generateKeyPair();
    const ab = pairwiseSeed(a.privateKey, b.publicKey, 'r', 'a', 'b');
    expect(ab.equals(pairwiseSeed(b.privateKey, a.publicKey, 'r', 'b', 'a'))).toBe(true);
    expect(ab.equals(pairwiseSeed(a.privateKey, b.publicKey, 'r2', 'a', 'b'))).toBe(false);
    expect(expandMask(ab, 1000)).toEqual(expandMask(ab, 1000));
    const sealed = seal(ab, Buffer.from('shares'), 'aad');
    expect(open(ab, sealed, 'aad').toString()).toBe('shares');
    expect(codeOf(() => open(pairwiseSeed(a.privateKey, c.publicKey, 'r', 'a', 'c'), sealed, 'aad'))).toBe('SECAGG_DECRYPT');
    expect(codeOf(() => open(ab, sealed, 'other aad'))).toBe('SECAGG_DECRYPT');
  });
});
