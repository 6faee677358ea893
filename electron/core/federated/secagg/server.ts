// The server (console) side of SecAgg+, as Flower's SecAggPlusWorkflow runs it, but transport-free: the
// caller delivers the requests `start()` and `closeStage()` return, feeds every reply to `receive()`, and
// closes a stage when everyone asked has answered (`waitingFor()` is empty) or its deadline passed. A
// client that misses a stage is dropped for the rest of the round. After each stage the server checks
// Flower's condition (`_check_threshold`): every client whose secret may have to be rebuilt still has at
// least `threshold` neighbours left; if not, the round fails with SECAGG_THRESHOLD naming the numbers.
//
// The server only ever holds the running sum of masked vectors, never one client's vector on its own. At
// the end it removes the self masks of the survivors (rebuilt from their b_u shares) and the pairwise
// masks between dropped clients and their surviving neighbours (rebuilt from the dropped clients' key
// shares) and decodes the sum of the survivors' [w, w·params].
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../api/errors.js';
import { addInto, checkFixedPoint, decodeSum, defaultFixedPoint, maxContributors, reduceMod, subtractInto, type FixedPointConfig } from './fixed-point.js';
import { buildRing, effectiveShareCount } from './graph.js';
import { expandMask, importPrivateKey, keyBytes, pairwiseSeed, pairwiseSign, publicKeyOf, selfMaskSeed } from './masks.js';
import {
  decodeVector,
  fromBase64,
  maxParams,
  parseMessage,
  secaggError,
  secaggProtocol,
  secaggReplySchema,
  secaggStages,
  type MaskedInputRequest,
  type RoundConfig,
  type SecAggReply,
  type SecAggRequest,
  type SecAggStage,
  type SetupRequest,
  type ShareKeysRequest,
  type UnmaskRequest,
} from './messages.js';
import { combineShares, decodeShare, type ShamirShare } from './shamir.js';

export interface SecAggServerOptions extends Partial<FixedPointConfig> {
  roundId: string;
  /** The clients sampled for the round. */
  clientIds: readonly string[];
  /** Parameters per update (the vector sent is one longer: the weight comes first). */
  paramCount: number;
  /** Neighbourhood size, the client itself included; made odd and capped at the client count, as in Flower. */
  numShares: number;
  /**
   * Shares needed to rebuild a secret: 2 ≤ threshold < numShares. Higher keeps more privacy and tolerates
   * fewer dropouts; above half the neighbourhood, a server lying about who dropped cannot collect both
   * secrets of one client.
   */
  threshold: number;
  /** Seeds the ring shuffle; default random. Keep it to audit the graph afterwards. */
  graphSeed?: Uint8Array;
  /**
   * Checks a reply's envelope (the device-key signature) before it is accepted; false rejects it with
   * SECAGG_UNVERIFIED. The message is the reply as received, after its schema check.
   */
  verify?: (clientId: string, message: SecAggReply) => boolean;
}

export interface StageReport {
  stage: SecAggStage;
  /** Clients the stage's request went to. */
  asked: number;
  answered: number;
  /** Asked but did not answer: out of the round from here on. */
  dropped: string[];
  /** Replies refused while the stage was open (bad, duplicate, wrong round, unverified, …). */
  rejected: number;
}

export interface SecAggResult {
  roundId: string;
  /** The clients whose updates are in the sum (their masked input arrived). */
  contributors: string[];
  /** Σ wᵢ·clip(xᵢ) over the contributors, wᵢ = min(sampleCountᵢ, maxWeight). */
  weightedSum: Float64Array;
  /** Σ wᵢ. */
  totalWeight: number;
  /** weightedSum / totalWeight (FedAvg); null when the total weight is 0. */
  mean: Float64Array | null;
  reports: StageReport[];
}

export type StageOutcome = { report: StageReport; requests: SecAggRequest[]; result: null } | { report: StageReport; requests: []; result: SecAggResult };

type Phase = 'idle' | SecAggStage | 'done' | 'failed';

interface ClientRecord {
  maskKey?: Buffer;
  encryptionKey?: Buffer;
  /** Sealed shares this client addressed to each neighbour. */
  sealed?: Map<string, string>;
}

const replyHead = z.object({
  protocol: z.literal(secaggProtocol),
  kind: z.literal('reply'),
  roundId: z.string(),
  clientId: z.string(),
  stage: z.enum(secaggStages),
});

export class SecAggServer {
  readonly roundId: string;
  readonly config: RoundConfig;
  /** The ring order of the round (after the seeded shuffle). */
  readonly ringOrder: readonly string[];
  private readonly neighbourhoods: Map<string, string[]>;
  private readonly verify: SecAggServerOptions['verify'];
  private phase: Phase = 'idle';
  private readonly clients = new Map<string, ClientRecord>();
  /** Asked in the current stage, and who of them answered. */
  private asked = new Set<string>();
  private answered = new Set<string>();
  private rejected = 0;
  /** What each client was asked in the current stage (to check that its reply covers exactly that). */
  private sent = new Map<string, SecAggRequest>();
  private readonly reportList: StageReport[] = [];
  /** After share-keys: clients whose secrets are shared (U1). After masked-input: whose vector is in the sum (U2). */
  private shared = new Set<string>();
  private contributors = new Set<string>();
  private sum: Uint32Array | null = null;
  private readonly selfMaskShares = new Map<string, ShamirShare[]>();
  private readonly keyShares = new Map<string, ShamirShare[]>();
  private outcome: SecAggResult | null = null;

  constructor(opts: SecAggServerOptions) {
    const fp = checkFixedPoint({
      clippingRange: opts.clippingRange ?? defaultFixedPoint.clippingRange,
      quantizationRange: opts.quantizationRange ?? defaultFixedPoint.quantizationRange,
      modulusRange: opts.modulusRange ?? defaultFixedPoint.modulusRange,
      maxWeight: opts.maxWeight ?? defaultFixedPoint.maxWeight,
    });
    const n = opts.clientIds.length;
    const cfgError = (detail: string) => secaggError('SECAGG_CONFIG', detail);
    if (!opts.roundId || opts.roundId.length > 200) throw cfgError('The round needs an id of 1 to 200 characters.');
    if (opts.clientIds.some((c) => !c || c.length > 200)) throw cfgError('Client ids must be 1 to 200 characters.');
    if (n < 2) throw cfgError(`Secure aggregation needs at least 2 clients, got ${n}.`);
    if (n > maxContributors(fp)) throw cfgError(`${n} clients could overflow the sum: at most ${maxContributors(fp)} fit modulusRange/quantizationRange.`);
    if (!Number.isInteger(opts.paramCount) || opts.paramCount < 1 || opts.paramCount > maxParams) throw cfgError(`paramCount must be an integer from 1 to ${maxParams}, got ${opts.paramCount}.`);
    if (!Number.isInteger(opts.numShares) || opts.numShares <= 2) throw cfgError(`numShares must be an integer above 2, got ${opts.numShares}.`);
    if (!Number.isInteger(opts.threshold) || opts.threshold < 2 || opts.threshold >= opts.numShares) {
      throw cfgError(`threshold must be an integer from 2 to numShares − 1 (${opts.numShares - 1}), got ${opts.threshold}.`);
    }
    const numShares = effectiveShareCount(n, opts.numShares);
    if (opts.threshold > numShares) throw cfgError(`With ${n} clients a neighbourhood has ${numShares} members, fewer than the threshold ${opts.threshold}.`);
    const ring = buildRing(opts.clientIds, numShares, opts.graphSeed ?? randomBytes(32));
    this.roundId = opts.roundId;
    this.config = { numClients: n, numShares, threshold: opts.threshold, paramCount: opts.paramCount, ...fp };
    this.ringOrder = ring.order;
    this.neighbourhoods = ring.neighbourhoods;
    this.verify = opts.verify;
    for (const id of opts.clientIds) this.clients.set(id, {});
  }

  /** The current stage, 'idle' before start, 'done' with a result, 'failed' after a threshold error. */
  get stage(): Phase {
    return this.phase;
  }

  /** A client's neighbourhood (itself included), sorted. */
  neighbourhood(clientId: string): readonly string[] {
    return this.neighbourhoods.get(clientId) ?? [];
  }

  /** Per-stage counts so far. */
  get reports(): readonly StageReport[] {
    return this.reportList;
  }

  get result(): SecAggResult | null {
    return this.outcome;
  }

  /** Clients asked in the current stage that have not answered yet. */
  waitingFor(): string[] {
    return [...this.asked].filter((c) => !this.answered.has(c));
  }

  /** Opens the setup stage: one request per sampled client. */
  start(): SetupRequest[] {
    if (this.phase !== 'idle') throw secaggError('SECAGG_OUT_OF_ORDER', `Round ${this.roundId} has already started.`);
    const requests = [...this.clients.keys()].map((clientId): SetupRequest => ({ ...this.head(clientId), stage: 'setup', config: this.config }));
    this.open('setup', requests);
    return requests;
  }

  /** Accepts one reply, or throws an AppError saying why not (the stage counts it as rejected). */
  receive(raw: unknown): void {
    try {
      this.accept(raw);
    } catch (err) {
      if (err instanceof AppError && secaggStages.includes(this.phase as SecAggStage)) this.rejected++;
      throw err;
    }
  }

  /** Closes the current stage: drops who did not answer, checks the threshold, returns the next requests or the result. */
  closeStage(): StageOutcome {
    const stage = this.phase;
    if (stage === 'idle' || stage === 'done' || stage === 'failed') throw secaggError('SECAGG_OUT_OF_ORDER', `Round ${this.roundId} has no open stage (it is ${stage}).`);
    const report: StageReport = { stage, asked: this.asked.size, answered: this.answered.size, dropped: this.waitingFor().sort(), rejected: this.rejected };
    this.reportList.push(report);
    const active = new Set(this.answered);
    switch (stage) {
      case 'setup': {
        this.checkThreshold(report, active, active);
        const requests = [...active].map((clientId): ShareKeysRequest => ({
          ...this.head(clientId),
          stage: 'share-keys',
          neighbours: this.neighbourhood(clientId)
            .filter((v) => active.has(v))
            .map((v) => {
              const c = this.clients.get(v)!;
              return { clientId: v, maskKey: c.maskKey!.toString('base64'), encryptionKey: c.encryptionKey!.toString('base64') };
            }),
        }));
        this.open('share-keys', requests);
        return { report, requests, result: null };
      }
      case 'share-keys': {
        this.shared = active;
        this.checkThreshold(report, active, active);
        const requests = [...active].map((clientId): MaskedInputRequest => ({
          ...this.head(clientId),
          stage: 'masked-input',
          shares: this.neighbourhood(clientId)
            .filter((v) => v !== clientId && active.has(v))
            .map((from) => ({ from, ciphertext: this.clients.get(from)!.sealed!.get(clientId)! })),
        }));
        for (const c of this.clients.values()) c.sealed = undefined;
        this.open('masked-input', requests);
        return { report, requests, result: null };
      }
      case 'masked-input': {
        this.contributors = active;
        this.checkThreshold(report, this.shared, active);
        const requests = [...active].map((clientId): UnmaskRequest => {
          const hood = this.neighbourhood(clientId).filter((v) => this.shared.has(v));
          return { ...this.head(clientId), stage: 'unmask', survivors: hood.filter((v) => active.has(v)), dropped: hood.filter((v) => !active.has(v)) };
        });
        this.open('unmask', requests);
        return { report, requests, result: null };
      }
      case 'unmask': {
        this.checkShares(report);
        const result = this.unmaskSum();
        this.phase = 'done';
        this.asked = new Set();
        this.answered = new Set();
        this.outcome = result;
        return { report, requests: [], result };
      }
    }
  }

  private head(clientId: string) {
    return { protocol: secaggProtocol, kind: 'request', roundId: this.roundId, clientId } as const;
  }

  private open(stage: SecAggStage, requests: SecAggRequest[]): void {
    this.phase = stage;
    this.asked = new Set(requests.map((r) => r.clientId));
    this.answered = new Set();
    this.rejected = 0;
    this.sent = new Map(requests.map((r) => [r.clientId, r]));
  }

  private accept(raw: unknown): void {
    const head = parseMessage(replyHead, raw, 'secagg reply');
    const where = `${head.stage} reply of client ${head.clientId}`;
    if (head.roundId !== this.roundId) throw secaggError('SECAGG_WRONG_ROUND', `The ${where} is for round ${head.roundId}; this is round ${this.roundId}.`);
    if (!this.clients.has(head.clientId)) throw secaggError('SECAGG_UNKNOWN_CLIENT', `Client ${head.clientId} is not in round ${this.roundId}.`);
    if (this.phase === 'done' || this.phase === 'failed') throw secaggError('SECAGG_ROUND_OVER', `Round ${this.roundId} is ${this.phase === 'done' ? 'finished' : 'failed'}; the ${where} came too late.`);
    if (this.phase === 'idle') throw secaggError('SECAGG_OUT_OF_ORDER', `Round ${this.roundId} has not started; the ${where} is premature.`);
    const current = secaggStages.indexOf(this.phase);
    const got = secaggStages.indexOf(head.stage);
    if (got < current) throw secaggError('SECAGG_LATE', `The ${where} came after the ${head.stage} stage of round ${this.roundId} closed.`);
    if (got > current) throw secaggError('SECAGG_OUT_OF_ORDER', `The ${where} came while round ${this.roundId} is at the ${this.phase} stage.`);
    if (!this.asked.has(head.clientId)) throw secaggError('SECAGG_DROPPED', `Client ${head.clientId} was dropped from round ${this.roundId} at an earlier stage; its ${head.stage} reply is refused.`);
    if (this.answered.has(head.clientId)) throw secaggError('SECAGG_DUPLICATE', `Client ${head.clientId} already answered the ${head.stage} stage of round ${this.roundId}; the repeat is refused.`);
    const reply = parseMessage(secaggReplySchema, raw, `secagg ${head.stage} reply`);
    if (this.verify && !this.verify(head.clientId, raw as SecAggReply)) {
      throw secaggError('SECAGG_UNVERIFIED', `The ${where} in round ${this.roundId} failed verification (signature) and is refused.`);
    }
    this.take(reply);
    this.answered.add(head.clientId);
  }

  /** Checks one reply against what its client was asked, and keeps what it carries. */
  private take(reply: SecAggReply): void {
    const bad = (why: string) => secaggError('SECAGG_BAD_MESSAGE', `The ${reply.stage} reply of client ${reply.clientId} in round ${this.roundId} ${why}.`);
    const record = this.clients.get(reply.clientId)!;
    const sent = this.sent.get(reply.clientId)!;
    switch (reply.stage) {
      case 'setup': {
        const maskKey = fromBase64(reply.maskKey, 'mask key', keyBytes);
        const encryptionKey = fromBase64(reply.encryptionKey, 'encryption key', keyBytes);
        if (maskKey.equals(encryptionKey)) throw bad('uses one key for masks and encryption');
        for (const [id, other] of this.clients) {
          if (id === reply.clientId || !other.maskKey) continue;
          if ([other.maskKey, other.encryptionKey!].some((k) => k.equals(maskKey) || k.equals(encryptionKey))) throw bad(`repeats a public key of client ${id}`);
        }
        record.maskKey = maskKey;
        record.encryptionKey = encryptionKey;
        return;
      }
      case 'share-keys': {
        const expected = (sent as ShareKeysRequest).neighbours.map((n) => n.clientId).filter((v) => v !== reply.clientId);
        const to = reply.shares.map((s) => s.to);
        if (!sameSet(to, expected)) throw bad(`addresses shares to [${to.join(', ')}], expected exactly [${expected.join(', ')}]`);
        for (const s of reply.shares) fromBase64(s.ciphertext, `ciphertext for ${s.to}`);
        record.sealed = new Map(reply.shares.map((s) => [s.to, s.ciphertext]));
        return;
      }
      case 'masked-input': {
        const v = decodeVector(reply.masked, this.config.paramCount + 1, this.config.modulusRange, `masked input of client ${reply.clientId}`);
        this.sum ??= new Uint32Array(this.config.paramCount + 1);
        addInto(this.sum, v);
        return;
      }
      case 'unmask': {
        const req = sent as UnmaskRequest;
        const selfOwners = reply.selfMaskShares.map((s) => s.owner);
        const keyOwners = reply.keyShares.map((s) => s.owner);
        if (!sameSet(selfOwners, req.survivors)) throw bad(`sends self-mask shares of [${selfOwners.join(', ')}], expected exactly [${req.survivors.join(', ')}]`);
        if (!sameSet(keyOwners, req.dropped)) throw bad(`sends key shares of [${keyOwners.join(', ')}], expected exactly [${req.dropped.join(', ')}]`);
        const decode = (s: { owner: string; share: string }) => decodeShare(fromBase64(s.share, `share of ${s.owner}`));
        const decodedSelf = reply.selfMaskShares.map((s) => [s.owner, decode(s)] as const);
        const decodedKeys = reply.keyShares.map((s) => [s.owner, decode(s)] as const);
        for (const [owner, share] of decodedSelf) push(this.selfMaskShares, owner, share);
        for (const [owner, share] of decodedKeys) push(this.keyShares, owner, share);
        return;
      }
    }
  }

  /**
   * Flower's `_check_threshold`: every client in `needy` (whose secrets may have to be rebuilt) keeps at
   * least `threshold` neighbourhood members in `active`. Fails the round otherwise.
   */
  private checkThreshold(report: StageReport, needy: ReadonlySet<string>, active: ReadonlySet<string>): void {
    const t = this.config.threshold;
    let worst: { id: string; left: number } | null = null;
    for (const id of needy) {
      const left = this.neighbourhood(id).filter((v) => active.has(v)).length;
      if (left < t && (!worst || left < worst.left)) worst = { id, left };
    }
    if (active.size < t && !worst) worst = { id: [...needy][0] ?? '(none)', left: active.size };
    if (worst) this.fail(report, `client ${worst.id} has ${worst.left} of its ${this.config.numShares} neighbourhood members left, ${t} are needed`);
  }

  /** Every secret that must be rebuilt has at least `threshold` shares. */
  private checkShares(report: StageReport): void {
    const t = this.config.threshold;
    for (const id of this.shared) {
      const contributed = this.contributors.has(id);
      const n = (contributed ? this.selfMaskShares : this.keyShares).get(id)?.length ?? 0;
      if (n < t) this.fail(report, `only ${n} shares of the ${contributed ? 'self mask' : 'mask key'} of client ${id} arrived, ${t} are needed`);
    }
  }

  private fail(report: StageReport, why: string): never {
    this.phase = 'failed';
    this.asked = new Set();
    this.sum = null;
    throw secaggError(
      'SECAGG_THRESHOLD',
      `Round ${this.roundId} failed at the ${report.stage} stage: ${report.answered} of ${report.asked} clients answered, and ${why} (threshold ${this.config.threshold}). ` +
        'Retry with more clients online, a larger numShares or a lower threshold.',
    );
  }

  private unmaskSum(): SecAggResult {
    const { threshold: t, paramCount, modulusRange } = this.config;
    const length = paramCount + 1;
    const sum = this.sum ?? new Uint32Array(length);
    for (const id of this.shared) {
      if (this.contributors.has(id)) {
        const b = combineShares(this.selfMaskShares.get(id)!, t);
        subtractInto(sum, expandMask(selfMaskSeed(b, this.roundId, id), length));
        continue;
      }
      const published = this.clients.get(id)!.maskKey!;
      const sk = importPrivateKey(combineShares(this.keyShares.get(id)!, t), published);
      if (!Buffer.from(publicKeyOf(sk)).equals(published)) {
        throw secaggError('SECAGG_RECONSTRUCTION', `The key shares of dropped client ${id} in round ${this.roundId} do not rebuild the key it published: a share holder sent a bad share.`);
      }
      for (const v of this.neighbourhood(id)) {
        if (v === id || !this.contributors.has(v)) continue;
        const mask = expandMask(pairwiseSeed(sk, this.clients.get(v)!.maskKey!, this.roundId, id, v), length);
        // v added pairwiseSign(v, id)·mask; take it out.
        if (pairwiseSign(v, id) === 1) subtractInto(sum, mask);
        else addInto(sum, mask);
      }
    }
    reduceMod(sum, modulusRange);
    const contributors = [...this.contributors].sort();
    const { weightedSum, totalWeight } = decodeSum(sum, contributors.length, this.config);
    let mean: Float64Array | null = null;
    if (totalWeight > 0) {
      mean = new Float64Array(weightedSum.length);
      for (let i = 0; i < mean.length; i++) mean[i] = weightedSum[i] / totalWeight;
    }
    this.sum = null;
    return { roundId: this.roundId, contributors, weightedSum, totalWeight, mean, reports: [...this.reportList] };
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return s.size === a.length && b.every((x) => s.has(x));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
