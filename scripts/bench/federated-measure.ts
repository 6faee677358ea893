// Federated learning: the device trainer's throughput (dense autoencoders of two sizes over random windows,
// batch 64, 3 epochs after a warm-up epoch) and SecAgg+ over 10 clients with 100,000 parameters and 3 dropped
// before their masked input: each stage timed per client and at the server. Prints one JSON line.
// Usage: tsx scripts/bench/federated-measure.ts
import { SecAggClient, type ClientUpdate } from '../../electron/core/federated/secagg/client.js';
import type { SecAggReply, SecAggRequest } from '../../electron/core/federated/secagg/messages.js';
import { SecAggServer } from '../../electron/core/federated/secagg/server.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { DenseAutoencoder } from '../../resources/agent/src/federated/dense-autoencoder.js';
import { trainLocal } from '../../resources/agent/src/federated/train-local.js';

const rnd = seededRandom('fl-bench');

async function trainerRate(sizes: number[], windows: number): Promise<{ sizes: number[]; parameters: number; samplesPerSec: number }> {
  const model = DenseAutoencoder.create(sizes, 1);
  const data = Array.from({ length: windows }, () => Float32Array.from({ length: sizes[0] }, () => rnd() * 2 - 1));
  await trainLocal({ model, windows: data.slice(0, 1024), epochs: 1, batchSize: 64, learningRate: 0.001, seed: 1 });
  const t0 = performance.now();
  const r = await trainLocal({ model, windows: data, epochs: 3, batchSize: 64, learningRate: 0.001, seed: 2 });
  return { sizes, parameters: model.parameterCount, samplesPerSec: (r.samplesSeen / (performance.now() - t0)) * 1000 };
}

function secaggRound(clients: number, paramCount: number, dropped: number) {
  const ids = Array.from({ length: clients }, (_, i) => `device-${String(i).padStart(2, '0')}`);
  const server = new SecAggServer({ roundId: 'bench-round', clientIds: ids, paramCount, numShares: clients, threshold: Math.ceil(clients / 2) + 1, maxWeight: 2000 });
  const agents = new Map(ids.map((id) => [id, new SecAggClient({ clientId: id })]));
  const updates = new Map<string, ClientUpdate>(ids.map((id) => [id, { params: Float64Array.from({ length: paramCount }, () => rnd() * 2 - 1), sampleCount: 1500 }]));
  const silent = new Set(ids.slice(0, dropped));
  const clientMs: Record<string, number> = {};
  const serverMs: Record<string, number> = {};
  let requests: SecAggRequest[] = server.start();
  for (;;) {
    const stage = server.stage;
    let spent = 0;
    let answered = 0;
    const replies: SecAggReply[] = [];
    for (const req of requests) {
      if (stage === 'masked-input' && silent.has(req.clientId)) continue;
      const t0 = performance.now();
      const reply = agents.get(req.clientId)!.handle(JSON.parse(JSON.stringify(req)) as SecAggRequest, updates.get(req.clientId));
      const text = JSON.stringify(reply);
      spent += performance.now() - t0;
      answered++;
      replies.push(JSON.parse(text) as SecAggReply);
    }
    clientMs[stage] = spent / Math.max(1, answered);
    const t1 = performance.now();
    for (const r of replies) server.receive(r);
    const outcome = server.closeStage();
    serverMs[stage] = performance.now() - t1;
    if (outcome.result) return { clients, paramCount, dropped, contributors: outcome.result.contributors.length, clientMs, serverMs };
    requests = outcome.requests;
  }
}

const trainer = [await trainerRate([32, 16, 4, 16, 32], 8192), await trainerRate([64, 32, 8, 32, 64], 8192), await trainerRate([512, 32, 8, 32, 512], 8192)];
const secagg = secaggRound(10, 100_000, 3);
process.stdout.write(JSON.stringify({ trainer, secagg }) + '\n');
