// The client (device agent) side of SecAgg+. It answers the server's four requests in order and checks
// each one before it answers: the round and the addressee, its own keys echoed back, enough neighbours to
// reach the threshold, shares that decrypt and name the right sender and receiver, and an unmask request
// that never asks for both secrets of one neighbour. A request repeated verbatim (a transport retry) gets
// the same reply again; a different request for a stage already answered is refused, so a server cannot
// ask first for a neighbour's self-mask shares and then for its key shares. State lives in memory only.
import { AppError } from '../../api/errors.js';
import { addInto, checkFixedPoint, encodeUpdate, maxContributors, reduceMod, subtractInto, type Numbers, type Rounding } from './fixed-point.js';
import { expandMask, generateKeyPair, keyBytes, open, pairwiseSeed, pairwiseSign, randomSeed, seal, selfMaskSeed, shareKey, type X25519KeyPair } from './masks.js';
import {
  encodeVector,
  fromBase64,
  parseMessage,
  secaggError,
  secaggProtocol,
  secaggRequestSchema,
  toBase64,
  type MaskedInputReply,
  type MaskedInputRequest,
  type RoundConfig,
  type SecAggReply,
  type SecAggRequest,
  type SecAggStage,
  type SetupReply,
  type SetupRequest,
  type ShareKeysReply,
  type ShareKeysRequest,
  type UnmaskReply,
  type UnmaskRequest,
} from './messages.js';
import { decodeShare, encodeShare, splitSecret } from './shamir.js';

export interface SecAggClientOptions {
  clientId: string;
  /** Quantization rounding; default stochastic (unbiased). */
  rounding?: Rounding;
  /** Uniform [0, 1) for stochastic rounding; default node:crypto. */
  random?: () => number;
}

/** What the client contributes: its trained parameters (or their delta) and the samples behind them. */
export interface ClientUpdate {
  params: Numbers;
  sampleCount: number;
}

interface Neighbour {
  maskKey: Buffer;
  encryptionKey: Buffer;
}

interface HeldShares {
  /** Encoded share of the owner's b_u. */
  selfMask: Uint8Array;
  /** Encoded share of the owner's mask private key. */
  maskKey: Uint8Array;
}

interface RoundState {
  roundId: string;
  config: RoundConfig;
  maskKeys: X25519KeyPair;
  encryptionKeys: X25519KeyPair;
  neighbours: Map<string, Neighbour>;
  b: Buffer | null;
  held: Map<string, HeldShares>;
  /** Neighbours whose shares arrived, so masked against. */
  maskedWith: string[];
  answered: Map<SecAggStage, { request: string; reply: SecAggReply }>;
}

interface SharePlaintext {
  src: string;
  dst: string;
  selfMask: string;
  maskKey: string;
}

export class SecAggClient {
  readonly clientId: string;
  private readonly rounding: Rounding;
  private readonly random: (() => number) | undefined;
  private round: RoundState | null = null;

  constructor(opts: SecAggClientOptions) {
    if (!opts.clientId) throw secaggError('SECAGG_CONFIG', 'A SecAgg+ client needs a client id.');
    this.clientId = opts.clientId;
    this.rounding = opts.rounding ?? 'stochastic';
    this.random = opts.random;
  }

  /** The round in progress, or null. */
  get roundId(): string | null {
    return this.round?.roundId ?? null;
  }

  /** Answers any server request; `update` is needed for the masked-input stage. Throws AppError on refusal. */
  handle(raw: unknown, update?: ClientUpdate): SecAggReply {
    const req = parseMessage(secaggRequestSchema, raw, 'secagg request');
    switch (req.stage) {
      case 'setup':
        return this.setup(req);
      case 'share-keys':
        return this.shareKeys(req);
      case 'masked-input':
        if (!update) throw secaggError('SECAGG_REFUSED', `Round ${req.roundId} asks client ${this.clientId} for its masked input, but no update was given.`);
        return this.maskedInput(req, update);
      case 'unmask':
        return this.unmask(req);
    }
  }

  /** Stage 1: fresh key pairs for this round. A setup for a new round abandons the old one. */
  setup(req: SetupRequest): SetupReply {
    this.checkAddressee(req);
    const repeat = this.repeated(req);
    if (repeat) return repeat as SetupReply;
    const c = req.config;
    try {
      checkFixedPoint(c);
    } catch (err) {
      throw secaggError('SECAGG_REFUSED', `Client ${this.clientId} refuses round ${req.roundId}: ${(err as AppError).detail}`);
    }
    if (c.threshold > c.numShares || c.numShares > c.numClients) this.refuse(req, `threshold ${c.threshold} ≤ numShares ${c.numShares} ≤ numClients ${c.numClients} does not hold`);
    if (c.numClients > maxContributors(c)) this.refuse(req, `${c.numClients} clients could overflow the modulus (at most ${maxContributors(c)})`);
    this.round = {
      roundId: req.roundId,
      config: c,
      maskKeys: generateKeyPair(),
      encryptionKeys: generateKeyPair(),
      neighbours: new Map(),
      b: null,
      held: new Map(),
      maskedWith: [],
      answered: new Map(),
    };
    const reply: SetupReply = {
      ...this.head(req),
      stage: 'setup',
      maskKey: toBase64(this.round.maskKeys.publicKey),
      encryptionKey: toBase64(this.round.encryptionKeys.publicKey),
    };
    return this.remember(req, reply);
  }

  /** Stage 2: share sk (mask key) and a fresh b_u among the neighbourhood, sealed for each neighbour. */
  shareKeys(req: ShareKeysRequest): ShareKeysReply {
    const round = this.expect(req, 'setup');
    const repeat = this.repeated(req);
    if (repeat) return repeat as ShareKeysReply;
    const { threshold, numShares } = round.config;
    const ids = req.neighbours.map((n) => n.clientId);
    if (new Set(ids).size !== ids.length) this.refuse(req, 'a neighbour appears twice');
    if (ids.length > numShares) this.refuse(req, `it lists ${ids.length} neighbours, the round allows ${numShares}`);
    if (ids.length < threshold) this.refuse(req, `only ${ids.length} neighbours (itself included) answered setup, the threshold is ${threshold}`);
    const self = req.neighbours.find((n) => n.clientId === this.clientId);
    if (!self || self.maskKey !== toBase64(round.maskKeys.publicKey) || self.encryptionKey !== toBase64(round.encryptionKeys.publicKey)) {
      this.refuse(req, 'its own public keys are missing or wrong');
    }
    const keys = req.neighbours.flatMap((n) => [n.maskKey, n.encryptionKey]);
    if (new Set(keys).size !== keys.length) this.refuse(req, 'two public keys are identical');
    const neighbours = new Map<string, Neighbour>();
    for (const n of req.neighbours) {
      if (n.clientId === this.clientId) continue;
      neighbours.set(n.clientId, {
        maskKey: fromBase64(n.maskKey, `mask key of ${n.clientId}`, keyBytes),
        encryptionKey: fromBase64(n.encryptionKey, `encryption key of ${n.clientId}`, keyBytes),
      });
    }
    const b = randomSeed();
    const order = [...ids].sort();
    const bShares = splitSecret(b, order.length, threshold);
    const skShares = splitSecret(round.maskKeys.privateKey, order.length, threshold);
    const shares: ShareKeysReply['shares'] = [];
    order.forEach((to, i) => {
      const held: HeldShares = { selfMask: encodeShare(bShares[i]), maskKey: encodeShare(skShares[i]) };
      if (to === this.clientId) {
        round.held.set(to, held);
        return;
      }
      const plain: SharePlaintext = { src: this.clientId, dst: to, selfMask: toBase64(held.selfMask), maskKey: toBase64(held.maskKey) };
      const key = shareKey(round.encryptionKeys.handle, neighbours.get(to)!.encryptionKey, round.roundId, this.clientId, to);
      shares.push({ to, ciphertext: toBase64(seal(key, Buffer.from(JSON.stringify(plain)), shareAad(round.roundId, this.clientId, to))) });
    });
    round.neighbours = neighbours;
    round.b = b;
    return this.remember(req, { ...this.head(req), stage: 'share-keys', shares });
  }

  /** Stage 3: open the neighbours' shares, then send [w, w·params] + self mask ± pairwise masks. */
  maskedInput(req: MaskedInputRequest, update: ClientUpdate): MaskedInputReply {
    const round = this.expect(req, 'share-keys');
    const repeat = this.repeated(req);
    if (repeat) return repeat as MaskedInputReply;
    const { config } = round;
    if (update.params.length !== config.paramCount) {
      throw new AppError('SECAGG_INPUT', 'Update cannot be encoded', `The update has ${update.params.length} parameters, round ${round.roundId} expects ${config.paramCount}.`);
    }
    const from = req.shares.map((s) => s.from);
    if (new Set(from).size !== from.length) this.refuse(req, 'a neighbour sent shares twice');
    if (from.length + 1 < config.threshold) this.refuse(req, `shares came from ${from.length} neighbours, ${config.threshold - 1} are needed for threshold ${config.threshold}`);
    const opened = new Map<string, HeldShares>();
    for (const s of req.shares) {
      const n = round.neighbours.get(s.from);
      if (!n) this.refuse(req, `${s.from} is not a neighbour`);
      const key = shareKey(round.encryptionKeys.handle, n.encryptionKey, round.roundId, this.clientId, s.from);
      const plain = readSharePlaintext(open(key, fromBase64(s.ciphertext, `ciphertext from ${s.from}`), shareAad(round.roundId, s.from, this.clientId)));
      if (plain.src !== s.from || plain.dst !== this.clientId) this.refuse(req, `the shares from ${s.from} name ${plain.src} → ${plain.dst}`);
      const selfMask = fromBase64(plain.selfMask, `self-mask share from ${s.from}`);
      const maskKey = fromBase64(plain.maskKey, `key share from ${s.from}`);
      decodeShare(selfMask);
      decodeShare(maskKey);
      opened.set(s.from, { selfMask, maskKey });
    }
    for (const [owner, shares] of opened) round.held.set(owner, shares);
    round.maskedWith = [...opened.keys()];

    const vector = encodeUpdate(update.params, update.sampleCount, config, { rounding: this.rounding, random: this.random });
    addInto(vector, expandMask(selfMaskSeed(round.b!, round.roundId, this.clientId), vector.length));
    for (const peer of round.maskedWith) {
      const mask = expandMask(pairwiseSeed(round.maskKeys.handle, round.neighbours.get(peer)!.maskKey, round.roundId, this.clientId, peer), vector.length);
      if (pairwiseSign(this.clientId, peer) === 1) addInto(vector, mask);
      else subtractInto(vector, mask);
    }
    reduceMod(vector, config.modulusRange);
    return this.remember(req, { ...this.head(req), stage: 'masked-input', masked: encodeVector(vector) });
  }

  /** Stage 4: b_u shares of the survivors (itself included), mask-key shares of the dropped; once per round. */
  unmask(req: UnmaskRequest): UnmaskReply {
    const round = this.expect(req, 'masked-input');
    const repeat = this.repeated(req);
    if (repeat) return repeat as UnmaskReply;
    const survivors = new Set(req.survivors);
    const dropped = new Set(req.dropped);
    if (survivors.size !== req.survivors.length || dropped.size !== req.dropped.length) this.refuse(req, 'a client is listed twice');
    for (const id of dropped) if (survivors.has(id)) this.refuse(req, `${id} is listed both as survivor and as dropped`);
    if (!survivors.has(this.clientId)) this.refuse(req, 'it is not listed among the survivors, though it sent its masked input');
    for (const id of [...survivors, ...dropped]) if (!round.held.has(id)) this.refuse(req, `it holds no shares of ${id}`);
    if (survivors.size < round.config.threshold) this.refuse(req, `only ${survivors.size} neighbours survived, the threshold is ${round.config.threshold}`);
    const reply: UnmaskReply = {
      ...this.head(req),
      stage: 'unmask',
      selfMaskShares: req.survivors.map((owner) => ({ owner, share: toBase64(round.held.get(owner)!.selfMask) })),
      keyShares: req.dropped.map((owner) => ({ owner, share: toBase64(round.held.get(owner)!.maskKey) })),
    };
    this.remember(req, reply);
    // Nothing secret is needed any more; only the cached replies stay, for retries.
    round.b = null;
    round.held.clear();
    round.maskKeys.privateKey.fill(0);
    round.encryptionKeys.privateKey.fill(0);
    return reply;
  }

  private head(req: SecAggRequest) {
    return { protocol: secaggProtocol, kind: 'reply', roundId: req.roundId, clientId: this.clientId } as const;
  }

  private checkAddressee(req: SecAggRequest): void {
    if (req.clientId !== this.clientId) throw secaggError('SECAGG_REFUSED', `A ${req.stage} request for client ${req.clientId} reached client ${this.clientId}.`);
  }

  /** The round state for a request whose previous stage must be `previous`. */
  private expect(req: SecAggRequest, previous: SecAggStage): RoundState {
    this.checkAddressee(req);
    const round = this.round;
    if (!round) throw secaggError('SECAGG_OUT_OF_ORDER', `Client ${this.clientId} got a ${req.stage} request for round ${req.roundId} before its setup.`);
    if (round.roundId !== req.roundId) throw secaggError('SECAGG_WRONG_ROUND', `Client ${this.clientId} is in round ${round.roundId}; the ${req.stage} request is for round ${req.roundId}.`);
    if (!round.answered.has(req.stage) && !round.answered.has(previous)) {
      throw secaggError('SECAGG_OUT_OF_ORDER', `Client ${this.clientId} got a ${req.stage} request in round ${req.roundId} before answering ${previous}.`);
    }
    return round;
  }

  /** The cached reply to the very same request, for retries; a different request for an answered stage is refused. */
  private repeated(req: SecAggRequest): SecAggReply | null {
    const done = this.round?.roundId === req.roundId ? this.round.answered.get(req.stage) : undefined;
    if (!done) return null;
    if (done.request === JSON.stringify(req)) return done.reply;
    this.refuse(req, `it already answered a different ${req.stage} request in this round`);
  }

  private remember<T extends SecAggReply>(req: SecAggRequest, reply: T): T {
    this.round!.answered.set(req.stage, { request: JSON.stringify(req), reply });
    return reply;
  }

  private refuse(req: SecAggRequest, why: string): never {
    throw secaggError('SECAGG_REFUSED', `Client ${this.clientId} refuses the ${req.stage} request of round ${req.roundId}: ${why}.`);
  }
}

function shareAad(roundId: string, src: string, dst: string): string {
  return JSON.stringify([secaggProtocol, 'shares', roundId, src, dst]);
}

function readSharePlaintext(bytes: Buffer): SharePlaintext {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    v = null;
  }
  const p = v as SharePlaintext | null;
  if (!p || typeof p.src !== 'string' || typeof p.dst !== 'string' || typeof p.selfMask !== 'string' || typeof p.maskKey !== 'string') {
    throw secaggError('SECAGG_BAD_MESSAGE', 'Decrypted shares are not the expected {src, dst, selfMask, maskKey} record.');
  }
  return p;
}
