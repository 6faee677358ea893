// Hot-plug: polls the port list and reports ports that appeared and left.
import { listPorts } from './port-list.js';

export interface PortChange {
  added: string[];
  removed: string[];
}

export function watchPorts(onChange: (c: PortChange) => void, everyMs = 2000, list: () => Promise<{ path: string }[]> = listPorts): { close(): void } {
  let known: Set<string> | null = null;
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = new Set((await list()).map((p) => p.path));
      if (known) {
        const added = [...now].filter((p) => !known!.has(p));
        const removed = [...known].filter((p) => !now.has(p));
        if (added.length || removed.length) onChange({ added, removed });
      }
      known = now;
    } finally {
      busy = false;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), everyMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
