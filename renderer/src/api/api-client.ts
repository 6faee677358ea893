import type { Channel, EventName, EventPayload, Input, Result } from '../../../electron/core/api/contract.js';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export type ConnectionState = 'connected' | 'connecting' | 'reconnecting';

/** The one way the UI talks to the core, whichever transport carries it (netron's Host idea). */
export interface ApiClient {
  readonly platform: 'electron' | 'browser';
  /** Resolves with the result, or rejects with an ApiError. */
  invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Result<C>>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  /** Whether the event stream is up (always connected under Electron). */
  connection(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /** Browser mode only: sends a file to the workstation, returns the path it was stored at. */
  upload?(file: File, onProgress?: (fraction: number) => void): Promise<string>;
}
