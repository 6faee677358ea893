import type { Channel, Envelope, EventName, EventPayload, Input, Result } from '../../../electron/core/api/contract.js';
import type { ApiClient, ConnectionState, EventListener } from './api-client.js';
import { ApiError } from './api-error.js';

const expired = () =>
  new ApiError({
    code: 'UNAUTHORIZED',
    title: 'This console link has expired',
    detail: 'Open the URL printed by `edgefleet serve` again (it carries a fresh token)',
  });

const unreachable = () =>
  new ApiError({
    code: 'UNREACHABLE',
    title: 'The EdgeFleet service is not answering',
    detail: 'Check that `edgefleet serve` is still running on this workstation, then try again.',
  });

function parseEnvelope<R>(status: number, text: string): R {
  if (status === 401) throw expired();
  let envelope: Envelope<R>;
  try {
    envelope = JSON.parse(text) as Envelope<R>;
  } catch {
    throw new ApiError({ code: `HTTP_${status}`, title: 'Unexpected answer from the service', detail: `HTTP ${status}: the reply was not JSON.` });
  }
  if (envelope.ok) return envelope.result;
  throw new ApiError(envelope.error);
}

/** Talks to `edgefleet serve` over HTTP (requests, uploads) and a WebSocket (events). */
export function createBrowserClient(token: string | null, origin = window.location.origin): ApiClient {
  const listeners = new Set<EventListener>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of connListeners) l(s);
  };

  const connect = () => {
    timer = null;
    const wsUrl = new URL('/ws', origin);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    if (token) wsUrl.searchParams.set('token', token);
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl.href);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('connected');
    };
    ws.onmessage = (msg) => {
      let data: { event?: string; payload?: unknown };
      try {
        data = JSON.parse(String(msg.data)) as typeof data;
      } catch {
        return;
      }
      if (typeof data.event !== 'string') return;
      for (const l of listeners) l(data.event as EventName, data.payload as EventPayload<EventName>);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      scheduleReconnect();
    };
  };

  const scheduleReconnect = () => {
    if (timer || listeners.size === 0) return;
    setState('reconnecting');
    const delay = Math.min(10_000, 500 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt++;
    timer = setTimeout(connect, delay);
  };

  return {
    platform: 'browser',
    async invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Result<C>> {
      let res: Response;
      try {
        res = await fetch(`${origin}/api/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...auth },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw unreachable();
      }
      return parseEnvelope<Result<C>>(res.status, await res.text());
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!socket && !timer) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          if (timer) clearTimeout(timer);
          timer = null;
          const ws = socket;
          socket = null;
          ws?.close();
        }
      };
    },
    connection: () => state,
    onConnectionChange(listener) {
      connListeners.add(listener);
      return () => connListeners.delete(listener);
    },
    upload(file, onProgress) {
      return new Promise<string>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${origin}/upload?name=${encodeURIComponent(file.name)}`);
        if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
        };
        xhr.onerror = () => reject(unreachable());
        xhr.onload = () => {
          try {
            resolve(parseEnvelope<{ path: string }>(xhr.status, xhr.responseText).path);
          } catch (err) {
            reject(err);
          }
        };
        xhr.send(file);
      });
    },
  };
}
