// Runs the dagre layout off the UI thread: a few hundred nodes take about a second.
import type { ModelGraph } from '../../../electron/core/api/types.js';
import { layoutGraph } from './graph-layout.js';

self.onmessage = (e: MessageEvent<ModelGraph>) => {
  self.postMessage(layoutGraph(e.data));
};
