// The Fleet page's startup request for the inventory: sent once the event stream is up, with the changes since.
import { describe, expect, it } from 'vitest';
import type { DeviceListRow } from '../../electron/core/api/types.js';
import type { ApiClient, ConnectionState, EventListener } from '../../renderer/src/api/api-client.js';
import { prefetchDeviceList, takeDeviceListPrefetch } from '../../renderer/src/pages/fleet/device-list-prefetch.js';

const row: DeviceListRow = ['d1', 'edge-1', 'lan', '10.0.0.1:7443', 'online', true, 'arm64', 'digits', 'v1', 'confirmed', 'ok', null, ['cam'], [], null, null];

function fakeClient(connection: ConnectionState) {
  const events = new Set<EventListener>();
  const conn = new Set<(s: ConnectionState) => void>();
  const calls: string[] = [];
  const client: ApiClient = {
    platform: 'browser',
    invoke: ((channel: string) => {
      calls.push(channel);
      return Promise.resolve([row]);
    }) as ApiClient['invoke'],
    onEvent(l) {
      events.add(l);
      return () => events.delete(l);
    },
    connection: () => connection,
    onConnectionChange(l) {
      conn.add(l);
      return () => conn.delete(l);
    },
  };
  return {
    client,
    calls,
    listeners: () => events.size + conn.size,
    emit: (ids: string[]) => events.forEach((l) => l('devices.changed', { ids })),
    connect: () => {
      connection = 'connected';
      conn.forEach((l) => l('connected'));
    },
    drop: () => {
      connection = 'reconnecting';
      conn.forEach((l) => l('reconnecting'));
    },
  };
}

describe('device list prefetch', () => {
  it('asks once the event stream is up, and hands over the list and the ids changed since', async () => {
    const f = fakeClient('connecting');
    prefetchDeviceList(f.client);
    expect(f.calls).toEqual([]);
    f.connect();
    expect(f.calls).toEqual(['devices.listRows']);
    f.emit(['d1', 'd2']);
    const p = takeDeviceListPrefetch(f.client);
    expect(p).not.toBeNull();
    expect([...p!.changed]).toEqual(['d1', 'd2']);
    expect(await p!.list).toEqual([
      { id: 'd1', name: 'edge-1', transport: 'lan', address: '10.0.0.1:7443', state: 'online', paired: true, arch: 'arm64', activeModel: { name: 'digits', version: 'v1' }, slotState: 'confirmed', health: 'ok', lastSeen: null, tags: ['cam'], groups: [], lastChange: null, drift: null },
    ]);
    // Taken once: it stops listening, and a later page load asks for itself.
    f.emit(['d3']);
    expect([...p!.changed]).toEqual(['d1', 'd2']);
    expect(f.listeners()).toBe(0);
    expect(takeDeviceListPrefetch(f.client)).toBeNull();
  });

  it('gives nothing while the request has not gone out, and then never sends it', () => {
    const f = fakeClient('connecting');
    prefetchDeviceList(f.client);
    expect(takeDeviceListPrefetch(f.client)).toBeNull();
    f.connect();
    expect(f.calls).toEqual([]);
    expect(f.listeners()).toBe(0);
  });

  it('is dropped when the event stream goes down after it was sent', () => {
    const f = fakeClient('connected');
    prefetchDeviceList(f.client);
    expect(f.calls).toEqual(['devices.listRows']);
    f.drop();
    expect(takeDeviceListPrefetch(f.client)).toBeNull();
    expect(f.listeners()).toBe(0);
  });

  it('belongs to the client that made it', () => {
    const a = fakeClient('connected');
    const b = fakeClient('connected');
    prefetchDeviceList(a.client);
    expect(takeDeviceListPrefetch(b.client)).toBeNull();
    expect(takeDeviceListPrefetch(a.client)).not.toBeNull();
  });
});
