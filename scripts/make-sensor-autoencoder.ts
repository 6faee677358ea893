// Writes the starting point of federated training for sensor anomaly detection: the untrained, seeded
// dense autoencoder 32 → 16 → 4 → 16 → 32 as resources/models/sensor-autoencoder/model.onnx, and its
// README. The same seed gives the same bytes. Usage: npx tsx scripts/make-sensor-autoencoder.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoencoderToOnnx, layerNames } from '../resources/agent/src/federated/autoencoder-onnx.js';
import { DenseAutoencoder } from '../resources/agent/src/federated/dense-autoencoder.js';

const sizes = [32, 16, 4, 16, 32];
const seed = 18;
const dir = path.join(fileURLToPath(new URL('..', import.meta.url)), 'resources', 'models', 'sensor-autoencoder');

const model = DenseAutoencoder.create(sizes, seed);
const bytes = autoencoderToOnnx(model, { metadata: { 'edgefleet.init_seed': String(seed) } });
const names = layerNames(sizes);

const readme = `# Sensor autoencoder (untrained)

A dense autoencoder for anomaly detection on univariate sensor series, the global model a federated
round starts from. It is untrained: He-normal weights (Glorot-normal for the output layer) and zero
biases drawn from seed ${seed}, so its scores mean nothing until a round has trained it.

- Input \`window\` [N, ${sizes[0]}] float32: ${sizes[0]} consecutive readings, z-normalised with the mean and
  standard deviation of the device's reference period (for the NAB fixture, 32 readings = 160 minutes).
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
