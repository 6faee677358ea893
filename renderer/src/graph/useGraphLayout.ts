import { useEffect, useState } from 'react';
import type { ModelGraph } from '../../../electron/core/api/types.js';
import { layoutGraph, type GraphLayout } from './graph-layout.js';

/**
 * Lays the graph out once per graph, in a Web Worker so the window stays responsive.
 * Where a worker cannot start (some file:// setups), it falls back to the UI thread after a paint.
 */
export function useGraphLayout(graph: ModelGraph): GraphLayout | null {
  const [result, setResult] = useState<{ graph: ModelGraph; layout: GraphLayout } | null>(null);

  useEffect(() => {
    let done = false;
    let fallbackTimer: ReturnType<typeof setTimeout> | null = null;
    const finish = (layout: GraphLayout) => {
      if (done) return;
      done = true;
      setResult({ graph, layout });
    };
    const onThisThread = () => {
      fallbackTimer = setTimeout(() => finish(layoutGraph(graph)), 30);
    };
    let worker: Worker | null = null;
    try {
      worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (e: MessageEvent<GraphLayout>) => finish(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        worker?.terminate();
        if (!done) onThisThread();
      };
      worker.postMessage(graph);
    } catch {
      onThisThread();
    }
    return () => {
      done = true;
      worker?.terminate();
      if (fallbackTimer) clearTimeout(fallbackTimer);
    };
  }, [graph]);

  return result?.graph === graph ? result.layout : null;
}
