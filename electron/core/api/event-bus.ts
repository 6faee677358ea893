import type { EventName, EventPayload } from './contract.js';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Fan-out of core events to every connected front end (IPC windows, WebSocket clients). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch {
        // One broken listener (a closed socket) must not stop the others.
      }
    }
  }
}
