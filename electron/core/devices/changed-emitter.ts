// Coalesces `devices.changed` events: ids gathered over an interval go out together, so telemetry
// from many devices reaches the front ends at most a couple of times a second, and a burst of
// actions (pairings in parallel, a rollout's status updates) at most a few times a second.
import type { EventBus } from '../api/event-bus.js';

export class ChangedEmitter {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires (Date.now() terms). */
  private due = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs = 500,
    private readonly burstMs = 250,
  ) {}

  /** Throttled: the ids go out within intervalMs. */
  mark(...ids: string[]): void {
    for (const id of ids) this.pending.add(id);
    if (!this.timer) this.schedule(this.last + this.intervalMs);
  }

  /**
   * An action's result (a person's, or a rollout step's): at once, with anything pending, when nothing went
   * out in the last burstMs; in a burst of them, together at most every burstMs. At fleet scale one event
   * per device would have every listener (front ends, the telemetry feed) do its work per device.
   */
  now(...ids: string[]): void {
    for (const id of ids) this.pending.add(id);
    const at = this.last + this.burstMs;
    if (at <= Date.now()) this.flush();
    else if (!this.timer || this.due > at) this.schedule(at);
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

  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.due = at;
    this.timer = setTimeout(() => this.flush(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }
}
