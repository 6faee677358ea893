// Console-side serial pieces that need no port: addresses, USB ids, hot-plug diffing, frame sizing,
// and the agent's --serial/--baud arguments.
import { describe, expect, it, vi } from 'vitest';
import { FrameSizer } from '../../resources/device-protocol/serial/frame-size.js';
import { usbId } from '../../electron/core/devices/serial/port-list.js';
import { watchPorts, type PortChange } from '../../electron/core/devices/serial/port-watch.js';
import { parseSerialAddress, serialAddress } from '../../electron/core/devices/serial/serial-address.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { parseAgentArgs } from '../../resources/agent/src/args.js';

describe('serial addresses', () => {
  it('round-trip PATH@BAUD and default to 921600 without a baud rate', () => {
    expect(parseSerialAddress(serialAddress('/dev/ttyUSB0', 115200))).toEqual({ path: '/dev/ttyUSB0', baudRate: 115200 });
    expect(parseSerialAddress('/dev/ttyGS0')).toEqual({ path: '/dev/ttyGS0', baudRate: 921600 });
  });

  it('refuse a baud rate that is not a number, naming the expected form', () => {
    expect(() => parseSerialAddress('/dev/ttyUSB0@fast')).toThrow(/PATH@BAUD/);
    expect(() => parseSerialAddress('/dev/ttyUSB0@12')).toThrow(/Invalid serial address/);
  });
});

describe('USB identity', () => {
  it('prints VID:PID in lower case, or nothing without both', () => {
    expect(usbId({ vendorId: '10C4', productId: 'EA60' })).toBe('10c4:ea60');
    expect(usbId({ vendorId: '10c4', productId: null })).toBeNull();
  });
});

describe('hot-plug', () => {
  it('reports ports that appear and leave between polls', async () => {
    const lists = [['/dev/ttyUSB0'], ['/dev/ttyUSB0', '/dev/ttyACM0'], ['/dev/ttyACM0']];
    let i = 0;
    const changes: PortChange[] = [];
    const w = watchPorts((c) => changes.push(c), 10, async () => (lists[Math.min(i++, lists.length - 1)] ?? []).map((path) => ({ path })));
    // Until the fourth poll has begun, i.e. the three listings were all compared.
    await vi.waitFor(() => expect(i).toBeGreaterThan(lists.length), { timeout: 10_000, interval: 5 });
    w.close();
    expect(changes).toEqual([
      { added: ['/dev/ttyACM0'], removed: [] },
      { added: [], removed: ['/dev/ttyUSB0'] },
    ]);
  });
});

describe('frame sizing', () => {
  const run = (ber: number) => {
    const s = new FrameSizer(1024);
    const rnd = seededRandom(`sizer-${ber}`);
    for (let i = 0; i < 4000; i++) {
      const wire = s.payload + 11;
      s.record(wire, rnd() > Math.pow(1 - ber, 8 * wire));
    }
    return s.payload;
  };

  it('grows to the largest frame on a clean line and settles near 128 bytes at a bit error rate of 1e-4', () => {
    expect(run(0)).toBe(1024);
    const noisy = run(1e-4);
    expect(noisy).toBeGreaterThanOrEqual(64);
    expect(noisy).toBeLessThanOrEqual(192);
  });
});

describe('agent arguments', () => {
  it('take --serial PATH with --baud N, and refuse a bad baud rate', () => {
    expect(parseAgentArgs(['--data-dir', '/tmp/x', '--serial', '/dev/ttyGS0', '--baud', '115200']).serial).toEqual({ path: '/dev/ttyGS0', baudRate: 115200 });
    expect(parseAgentArgs(['--data-dir', '/tmp/x']).serial).toBeNull();
    expect(() => parseAgentArgs(['--data-dir', '/tmp/x', '--serial', '/dev/ttyGS0', '--baud', 'fast'])).toThrow(/--baud must be a whole number/);
  });

  it('take --graph-optimization (all by default) and refuse a level onnxruntime does not have', () => {
    expect(parseAgentArgs(['--data-dir', '/tmp/x']).graphOptimization).toBe('all');
    expect(parseAgentArgs(['--data-dir', '/tmp/x', '--graph-optimization', 'disabled']).graphOptimization).toBe('disabled');
    expect(() => parseAgentArgs(['--data-dir', '/tmp/x', '--graph-optimization', 'off'])).toThrow('--graph-optimization must be one of all, extended, basic, disabled; got "off".');
  });
});
