// Runs a task at most once per interval however often it is asked for. A request after a quiet spell runs
// it on the next turn of the event loop (a single change still takes effect at once); requests that follow
// within the interval all wait for one run at its end. What the telemetry feed and the MQTT ingest use to
// sync with the inventory on devices.changed, which a busy fleet sends many times a second.
export class Throttle {
  private timer: NodeJS.Timeout | null = null;
  private last = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly task: () => void,
    private readonly intervalMs: number,
  ) {}

  /** Runs the task within intervalMs of its last run; several requests meanwhile make one run. */
  request(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.run(), Math.max(0, this.last + this.intervalMs - Date.now()));
    this.timer.unref();
  }

  /** Runs the task now (a request waiting is then served by this run). */
  run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    this.last = Date.now();
    this.task();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
