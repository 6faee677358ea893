// Builds the renderer (React UI) into dist/renderer. Loaded by Electron from file:// and by `edgefleet serve` over HTTP.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('../renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 3000,
  },
  // The graph layout worker imports dagre: ES module workers allow code splitting.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', strictPort: false },
});
