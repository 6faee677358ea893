// Smooth synthetic NHWC images in [-1, 1] (a few seeded sinusoids per channel), for models whose real
// data is not in the repository: calibration and evaluation sets that look like images, not noise.
export function syntheticImages(count: number, size: number, channels: number, seed: number): Float32Array {
  const out = new Float32Array(count * size * size * channels);
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let k = 0; k < count; k++) {
    const waves = Array.from({ length: 4 * channels }, () => [rnd() * 0.2, rnd() * 0.2, rnd() * 6.28, rnd()]);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < channels; c++) {
          let v = 0;
          for (let q = 0; q < 4; q++) {
            const [fx, fy, phase, amp] = waves[c * 4 + q];
            v += amp * Math.sin(fx * x + fy * y + phase);
          }
          out[((k * size + y) * size + x) * channels + c] = Math.max(-1, Math.min(1, v / 2));
        }
      }
    }
  }
  return out;
}
