// The device side of federated rounds (fl-train, fl-secagg, fl-evaluate): trains the active model on
// the local windows with trainLocal, which yields after every batch so the serve port keeps answering,
// one training at a time. Rounds are remembered in memory (the last few): the same fl-train request
// again gets the same answer, a different one for the same round is refused. In a secure round the
// update stays here and a SecAgg+ client made for the round masks it.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { AppError } from '../../../../electron/core/api/errors.js';
import { clipUpdate } from '../../../../electron/core/federated/dp-accountant.js';
import { SecAggClient } from '../../../../electron/core/federated/secagg/client.js';
import { roundConfigSchema, type RoundConfig } from '../../../../electron/core/federated/secagg/messages.js';
import { canonicalJson } from '../../../device-protocol/canonical-json.js';
import type { DeviceRequestParsed, DeviceResponse } from '../../../device-protocol/messages.js';
import { readAutoencoderWeights } from './autoencoder-onnx.js';
import type { DenseAutoencoder } from './dense-autoencoder.js';
import { flScaleOf, LocalData, noData } from './fl-data.js';
import { trainLocal } from './train-local.js';

type TrainRequest = DeviceRequestParsed<'fl-train'>;
type TrainResponse = DeviceResponse<'fl-train'>;

export interface FlServiceOptions {
  deviceId: string;
  dataFile: string;
  /** The model serving now: its SHA-256 and file; null when none. */
  activeModel: () => { sha256: string; path: string } | null;
  /** Rounds remembered for idempotency (default 8). */
  keepRounds?: number;
}

interface RoundState {
  /** Canonical JSON of the parsed request. */
  key: string;
  heldOutFraction: number;
  /** The trained parameters, once trained (kept only in a secure round). */
  update: Float32Array | null;
  samples: number;
  secagg: { client: SecAggClient; config: RoundConfig } | null;
}

interface Round extends RoundState {
  answer: Promise<TrainResponse>;
}

const lossChunk = 256;

export class FlService {
  private readonly data: LocalData;
  private readonly rounds = new Map<string, Round>();
  private training: string | null = null;

  constructor(private readonly o: FlServiceOptions) {
    this.data = new LocalData(o.dataFile);
  }

  /** The agent has local data (info lists fl-train1). */
  hasData(): boolean {
    return this.data.available();
  }

  train(req: TrainRequest): Promise<TrainResponse> {
    const key = canonicalJson(req);
    const known = this.rounds.get(req.roundId);
    if (known) {
      if (known.key === key) return known.answer;
      return Promise.reject(
        new AppError('FL_ROUND_REUSED', 'Round already used', `Round ${req.roundId} was already asked for with other settings; this device trains a round once. Start a new round with a new id.`),
      );
    }
    if (this.training) {
      return Promise.reject(new AppError('FL_BUSY', 'Already training', `The device is training round ${this.training}; it trains one round at a time. Try again when that round has answered.`));
    }
    if (!this.hasData()) return Promise.reject(noData('This device has no local data.'));
    const active = this.o.activeModel();
    if (!active || active.sha256 !== req.expectActiveSha256) {
      return Promise.reject(
        new AppError(
          'PRECONDITION_FAILED',
          'The device does not serve the round\'s global model',
          `Nothing was trained: the round's global model is ${req.expectActiveSha256.slice(0, 12)}…, the device serves ${active ? `${active.sha256.slice(0, 12)}…` : 'no model'}. Deploy the global model first.`,
        ),
      );
    }
    const state: RoundState = { key, heldOutFraction: req.heldOutFraction, update: null, samples: 0, secagg: null };
    this.training = req.roundId;
    // run() fills in the state as it goes (the SecAgg+ client, then the update), so the round is that same object.
    const round: Round = Object.assign(state, {
      answer: this.run(req, active.path, state).finally(() => {
        this.training = null;
      }),
    });
    // A round that failed is forgotten, so the console may ask again with the same id.
    round.answer.catch(() => this.rounds.delete(req.roundId));
    this.remember(req.roundId, round);
    return round.answer;
  }

  secagg(req: DeviceRequestParsed<'fl-secagg'>): DeviceResponse<'fl-secagg'> {
    const round = this.rounds.get(req.roundId);
    if (!round?.secagg) {
      throw new AppError('FL_NOT_TRAINED', 'No secure round here', `The device has no secure round ${req.roundId}: send fl-train with secure settings first (rounds are kept in memory, so a restarted device has none).`);
    }
    const stage = req.message.stage;
    if (stage === 'setup') {
      const config = roundConfigSchema.safeParse(req.message.config);
      if (config.success && config.data.paramCount !== round.secagg.config.paramCount) {
        throw shapeMismatch(`The SecAgg+ setup is for ${config.data.paramCount} parameters; round ${req.roundId} was trained with ${round.secagg.config.paramCount}.`);
      }
    }
    if (stage === 'masked-input' && !round.update) {
      throw new AppError('FL_NOT_TRAINED', 'Not trained yet', `Round ${req.roundId} has not finished training on this device, so there is no update to mask. Ask for the masked input after fl-train has answered.`);
    }
    const reply = round.secagg.client.handle(req.message, round.update ? { params: round.update, sampleCount: round.samples } : undefined);
    return { roundId: req.roundId, reply };
  }

  async evaluate(req: DeviceRequestParsed<'fl-evaluate'>): Promise<DeviceResponse<'fl-evaluate'>> {
    if (!this.hasData()) throw noData('This device has no local data to evaluate on.');
    const active = this.o.activeModel();
    if (!active) throw new AppError('NO_MODEL', 'No model deployed', 'Deploy the global model before evaluating a candidate against it.');
    const bytes = new Uint8Array(await fsp.readFile(active.path));
    const scale = flScaleOf(bytes);
    const model = readAutoencoderWeights(bytes);
    const params = decodeFloats(req.parameters);
    if (params.length !== model.parameterCount) {
      throw shapeMismatch(`The candidate has ${params.length} parameters; the active model (${model.sizes.join('→')}) has ${model.parameterCount}.`);
    }
    if (!params.every(Number.isFinite)) throw shapeMismatch('The candidate holds a parameter that is not a finite number.');
    checkWindow(model, scale.window);
    const { heldOut } = await this.data.windows(scale, this.rounds.get(req.roundId)?.heldOutFraction ?? 0.2);
    if (heldOut.length === 0) throw noData(`${this.data.file} holds too few readings for one held-out window of ${scale.window}.`);
    const lossActive = await meanLoss(model, heldOut);
    model.setParameters(params);
    const loss = await meanLoss(model, heldOut);
    return { roundId: req.roundId, heldOut: heldOut.length, loss, lossActive };
  }

  private async run(req: TrainRequest, modelPath: string, round: RoundState): Promise<TrainResponse> {
    const bytes = new Uint8Array(await fsp.readFile(modelPath));
    const scale = flScaleOf(bytes);
    const model = readAutoencoderWeights(bytes);
    checkWindow(model, scale.window);
    let secure: RoundConfig | null = null;
    if (req.secure) {
      secure = roundConfigSchema.parse(req.secure.config);
      if (secure.paramCount !== model.parameterCount) {
        throw shapeMismatch(`The secure round is for ${secure.paramCount} parameters; the active model (${model.sizes.join('→')}) has ${model.parameterCount}.`);
      }
      round.secagg = { client: new SecAggClient({ clientId: this.o.deviceId }), config: secure };
    }
    const { train, heldOut } = await this.data.windows(scale, req.heldOutFraction);
    if (train.length === 0 || heldOut.length === 0) throw noData(`${this.data.file} holds too few readings for training and held-out windows once ${Math.round(req.heldOutFraction * 100)} % is held out.`);
    const heldOutLossBefore = await meanLoss(model, heldOut);
    const global = model.flatten();
    const result = await trainLocal({
      model,
      windows: train,
      epochs: req.epochs,
      batchSize: req.batchSize,
      learningRate: req.learningRate,
      proxMu: req.proxMu,
      ...(req.clipNorm !== undefined ? { clipNorm: req.clipNorm } : {}),
      timeBudgetMs: req.timeBudgetMs,
      seed: req.seed ?? derivedSeed(req.roundId, this.o.deviceId),
    });
    const heldOutLossAfter = await meanLoss(model, heldOut);
    let update = model.flatten();
    round.samples = result.samples;
    let updateClipped: boolean | undefined;
    if (secure && req.updateClipNorm !== undefined) {
      // DP with SecAgg+: the console never sees this update, so the clip happens here, and every device
      // weighs the same, as the accountant's equal-weight mean assumes.
      const clip = clipUpdate(global, update, req.updateClipNorm);
      [update, updateClipped, round.samples] = [clip.parameters, clip.clipped, secure.maxWeight];
    }
    if (secure) round.update = update;
    return {
      roundId: req.roundId,
      deviceId: this.o.deviceId,
      samples: result.samples,
      heldOut: heldOut.length,
      lossBefore: result.lossBefore,
      lossAfter: result.lossAfter,
      heldOutLossBefore,
      heldOutLossAfter,
      epochsRun: result.epochsRun,
      stoppedBy: result.stoppedBy,
      elapsedMs: result.elapsedMs,
      ...(secure ? {} : { update: encodeFloats(update) }),
      paramCount: model.parameterCount,
      ...(req.clipNorm !== undefined ? { clipped: result.clippedSteps > 0 } : {}),
      ...(updateClipped === undefined ? {} : { updateClipped }),
    };
  }

  private remember(roundId: string, round: Round): void {
    this.rounds.set(roundId, round);
    const keep = this.o.keepRounds ?? 8;
    for (const [id] of this.rounds) {
      if (this.rounds.size <= keep) break;
      if (id !== this.training) this.rounds.delete(id);
    }
  }
}

/** The shuffle seed when the request names none: the same round on the same device trains the same way. */
export function derivedSeed(roundId: string, deviceId: string): number {
  return createHash('sha256').update(`${roundId}\0${deviceId}`).digest().readUInt32BE(0) >>> 1;
}

function checkWindow(model: DenseAutoencoder, window: number): void {
  if (model.inputSize !== window) throw shapeMismatch(`The model takes ${model.inputSize} values but its metadata says windows of ${window}.`);
}

function shapeMismatch(detail: string): AppError {
  return new AppError('FL_SHAPE_MISMATCH', 'Parameters do not fit the model', detail);
}

/** Mean squared reconstruction error over the windows, yielding between chunks. */
async function meanLoss(model: DenseAutoencoder, windows: readonly Float32Array[]): Promise<number> {
  const d = model.inputSize;
  const batch = new Float32Array(lossChunk * d);
  let sum = 0;
  for (let s = 0; s < windows.length; s += lossChunk) {
    const rows = Math.min(lossChunk, windows.length - s);
    for (let r = 0; r < rows; r++) batch.set(windows[s + r], r * d);
    sum += model.loss(batch, rows) * rows;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return sum / windows.length;
}

/** Little-endian float32 as base64. */
export function encodeFloats(values: Float32Array): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}

/** The inverse of encodeFloats; a length that is not whole floats is FL_SHAPE_MISMATCH. */
export function decodeFloats(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw shapeMismatch(`The parameters are ${bytes.length} bytes, not a whole number of float32 values.`);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}
