// Coalesces `devices.changed` events: ids gathered over an interval go out together, so telemetry
// from many devices reaches the front ends at most a couple of times a second.
import type { EventBus } from '../api/event-bus.js';

export class ChangedEmitter {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs = 500,
  ) {}

  /** Throttled: the ids go out within intervalMs. */
  mark(...ids: string[]): void {
    for (const id of ids) this.pending.add(id);
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  /** At once, with anything pending (a person's action should show without delay). */
  now(...ids: string[]): void {
    for (const id of ids) this.pending.add(id);
    this.flush();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.size === 0) return;
    this.last = Date.now();
    const ids = [...this.pending];
    this.pending.clear();
    this.bus.emit('devices.changed', { ids });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
