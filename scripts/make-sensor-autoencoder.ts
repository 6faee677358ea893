// Writes the starting point of federated training for sensor anomaly detection: the untrained, seeded
// dense autoencoder 32 → 16 → 4 → 16 → 32 as resources/models/sensor-autoencoder/model.onnx, and its
// README. The same seed gives the same bytes. It carries the normalisation every device and the console
// use (edgefleet.fl.mean/std of the whole NAB machine-temperature series) and the windowing
// (edgefleet.fl.window, edgefleet.fl.stride) as metadata_props. Usage: npx tsx scripts/make-sensor-autoencoder.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoencoderToOnnx, layerNames } from '../resources/agent/src/federated/autoencoder-onnx.js';
import { DenseAutoencoder } from '../resources/agent/src/federated/dense-autoencoder.js';
import { parseNabCsv, seriesStats } from '../resources/agent/src/federated/sensor-windows.js';

const sizes = [32, 16, 4, 16, 32];
const seed = 18;
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = path.join(root, 'resources', 'models', 'sensor-autoencoder');
const nabCsv = path.join(root, 'resources', 'datasets', 'nab-machine-temperature', 'machine_temperature_system_failure.csv');
/** Windows start every 4 readings (20 minutes): 8 windows cover each reading, ~1,900 windows per device of three. */
const stride = 4;

const stats = seriesStats(parseNabCsv(readFileSync(nabCsv, 'utf8'), nabCsv).map((r) => r.value));
const flMetadata = {
  'edgefleet.fl.mean': String(stats.mean),
  'edgefleet.fl.std': String(stats.std),
  'edgefleet.fl.window': String(sizes[0]),
  'edgefleet.fl.stride': String(stride),
};

const model = DenseAutoencoder.create(sizes, seed);
const bytes = autoencoderToOnnx(model, { metadata: { 'edgefleet.init_seed': String(seed), ...flMetadata } });
const names = layerNames(sizes);

const readme = `# Sensor autoencoder (untrained)

A dense autoencoder for anomaly detection on univariate sensor series, the global model a federated
round starts from. It is untrained: He-normal weights (Glorot-normal for the output layer) and zero
biases drawn from seed ${seed}, so its scores mean nothing until a round has trained it.

- Input \`window\` [N, ${sizes[0]}] float32: ${sizes[0]} consecutive readings, z-normalised with the mean and
  standard deviation stored in the metadata (for the NAB fixture, 32 readings = 160 minutes).
- metadata_props for federated rounds: \`edgefleet.fl.mean\` = ${stats.mean.toFixed(4)} and \`edgefleet.fl.std\` = ${stats.std.toFixed(4)}
  (the whole NAB machine-temperature series; every device normalises with these, so all share one scale),
  \`edgefleet.fl.window\` = ${sizes[0]} readings, \`edgefleet.fl.stride\` = ${stride} readings between window starts.
- Layers ${sizes.join(' → ')}: Gemm + Relu, the last Gemm linear. Initializers ${names.map((n) => `\`${n}.weight\`/\`${n}.bias\``).join(', ')}; weights [in, out].
- Outputs \`reconstruction\` [N, ${sizes[0]}] and \`score\` [N], the mean squared reconstruction error of each
  window (the anomaly score). Opset 13, ${model.parameterCount} parameters, ${bytes.length} bytes.

Training changes only the initializers (\`writeAutoencoderWeights\` in
\`resources/agent/src/federated/autoencoder-onnx.ts\`); the graph stays as made here.

Made by \`npx tsx scripts/make-sensor-autoencoder.ts\`, which rewrites both files.
`;

mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'model.onnx'), bytes);
writeFileSync(path.join(dir, 'README.md'), readme);
console.log(`wrote ${path.join(dir, 'model.onnx')} (${bytes.length} bytes, ${model.parameterCount} parameters)`);
