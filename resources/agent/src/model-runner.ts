// The model being served. Swapping in a new session releases the old one only after runs already
// started on it have finished.
import * as ort from 'onnxruntime-node';
import { AppError } from '../../../electron/core/api/errors.js';
import type { Manifest, SlotId } from '../../device-protocol/messages.js';

export interface Loaded {
  slot: SlotId;
  manifest: Manifest;
  session: ort.InferenceSession;
}

export class ModelRunner {
  private loaded: Loaded | null = null;
  private inFlight = new Map<ort.InferenceSession, number>();

  get current(): Loaded | null {
    return this.loaded;
  }

  async swap(next: Loaded | null): Promise<void> {
    const old = this.loaded;
    this.loaded = next;
    if (old && old.session !== next?.session) await this.releaseWhenIdle(old.session);
  }

  async run(feeds: Record<string, ort.Tensor>): Promise<{ outputs: ort.InferenceSession.OnnxValueMapType; model: Manifest }> {
    const loaded = this.loaded;
    if (!loaded) throw new AppError('NO_MODEL', 'No model deployed', 'This device has no active model yet. Deploy one from the console.');
    const s = loaded.session;
    this.inFlight.set(s, (this.inFlight.get(s) ?? 0) + 1);
    try {
      return { outputs: await s.run(feeds), model: loaded.manifest };
    } finally {
      this.inFlight.set(s, this.inFlight.get(s)! - 1);
    }
  }

  private async releaseWhenIdle(session: ort.InferenceSession): Promise<void> {
    while ((this.inFlight.get(session) ?? 0) > 0) await new Promise((r) => setTimeout(r, 10));
    this.inFlight.delete(session);
    await session.release();
  }
}
