// Checks of the link layer: the handshake and its negotiation, small frames, deflate, a full window,
// new sessions, and loss and corruption injected on the console's side.
import { deviceOps } from '../../../../../resources/device-protocol/messages.js';
import { limits, type LinkParams } from '../../../../../resources/device-protocol/serial/hello.js';
import { consoleParams, expectResponse, fail, mismatch, pass, type Check, type CheckContext } from './check-kit.js';
import type { ConformanceLink } from './conformance-link.js';
import type { Faults } from './conformance-link.js';

/** `n` status requests, `parallel` at a time, each answer checked against the schema. */
async function statusRounds(ctx: CheckContext, l: ConformanceLink, n: number, parallel: number) {
  for (let done = 0; done < n; done += parallel) {
    const answers = await Promise.all(Array.from({ length: Math.min(parallel, n - done) }, () => l.request('status', {}, { token: ctx.token })));
    for (const a of answers) {
      const r = expectResponse('status', a, deviceOps.status.response);
      if (!r.ok) return r.result;
    }
  }
  if (l.violations.length) return fail('the device broke the negotiated link parameters', l.violations.map((v) => ({ path: 'link', expected: 'frames within the negotiated maxPayload and features', received: v })));
  return null;
}

function negotiated(l: ConformanceLink, offered: LinkParams, name: string) {
  const p = l.params;
  const problems = [];
  if (p.maxPayload > offered.maxPayload || p.maxPayload < limits.minPayload) problems.push(mismatch(`${name}.maxPayload`, `${limits.minPayload} … ${offered.maxPayload} (the console offered ${offered.maxPayload})`, p.maxPayload));
  if (p.window > offered.window || p.window < limits.minWindow) problems.push(mismatch(`${name}.window`, `${limits.minWindow} … ${offered.window}`, p.window));
  if (p.deflate && !offered.deflate) problems.push(mismatch(`${name}.deflate`, 'off (the console did not offer it)', true));
  return problems;
}

function lossy(id: string, title: string, faults: Faults, what: string): Check {
  return {
    id,
    title,
    required: true,
    run: (ctx) =>
      ctx.withSession(consoleParams, faults, async (l) => {
        const r = await statusRounds(ctx, l, 24, 4);
        if (r) return r;
        const n = l.injected.droppedOut + l.injected.corruptedOut + l.injected.droppedIn;
        return n === 0 ? fail(`no frame was ${what}: the answers were too short to test it`) : pass(`24 status requests answered with ${n} frames ${what}`);
      }),
  };
}

export const linkChecks: Check[] = [
  {
    id: 'hello',
    title: 'HELLO: the device answers HELLO_ACK and the parameters are within the limits',
    required: true,
    async run(ctx) {
      const l = await ctx.link();
      const h = l.peerHello;
      const problems = negotiated(l, consoleParams, 'hello');
      if (!h) problems.push(mismatch('hello_ack', 'a HELLO_ACK frame with the 10-byte payload', 'none decoded'));
      else {
        if (h.maxPayload < limits.minPayload || h.maxPayload > limits.maxPayload) problems.push(mismatch('hello_ack.maxPayload', `${limits.minPayload} … ${limits.maxPayload}`, h.maxPayload));
        if (h.window < limits.minWindow || h.window > limits.maxWindow) problems.push(mismatch('hello_ack.window', `${limits.minWindow} … ${limits.maxWindow}`, h.window));
        if (h.version !== 1) problems.push(mismatch('hello_ack.version', '1', h.version));
      }
      if (problems.length) return fail('the negotiated parameters are outside what the console offered', problems);
      return pass(`maxPayload ${l.params.maxPayload}, window ${l.params.window}, deflate ${l.params.deflate ? 'on' : 'off'}`);
    },
  },
  {
    id: 'hello-small',
    title: 'Small frames: with maxPayload 32 and window 1 offered, the device keeps to them',
    required: true,
    run: (ctx) => {
      const small: LinkParams = { maxPayload: 32, window: 1, deflate: false };
      return ctx.withSession(small, undefined, async (l) => {
        const problems = negotiated(l, small, 'hello');
        if (problems.length) return fail('the device did not take the smaller parameters', problems);
        return (await statusRounds(ctx, l, 3, 1)) ?? pass('status (many 32-byte fragments) answered 3 times, one frame in flight');
      });
    },
  },
  {
    id: 'deflate-off',
    title: 'Deflate off: without the feature bit the device sends plain fragments',
    required: true,
    run: (ctx) =>
      ctx.withSession({ ...consoleParams, deflate: false }, undefined, async (l) => (await statusRounds(ctx, l, 3, 1)) ?? pass('status answered 3 times without deflate')),
  },
  {
    id: 'deflate-on',
    title: 'Deflate on: when the device sets the feature bit, deflated fragments both ways work',
    required: false,
    run: (ctx) =>
      ctx.withSession(consoleParams, undefined, async (l) => {
        if (!l.params.deflate) return pass('the device declines deflate (allowed: it clears bit 0)');
        return (await statusRounds(ctx, l, 3, 1)) ?? pass('status answered 3 times with deflate negotiated');
      }),
  },
  {
    id: 'window',
    title: 'A full window: 32 requests at once are all answered',
    required: true,
    run: (ctx) => ctx.withSession(consoleParams, undefined, async (l) => (await statusRounds(ctx, l, 32, 32)) ?? pass(`32 concurrent status requests answered (window ${l.params.window})`)),
  },
  {
    id: 'new-session',
    title: 'New session: after a HELLO with another session the device starts again from sequence 0',
    required: true,
    async run(ctx) {
      for (let i = 0; i < 3; i++) {
        const r = await ctx.withSession(consoleParams, undefined, (l) => statusRounds(ctx, l, 2, 1));
        if (r) return r;
      }
      return pass('three sessions one after another, each answered from its first request');
    },
  },
  lossy('loss-out', "Loss: 10 % of the console's DATA frames dropped; the device acknowledges selectively and every request is answered", { dropOut: 0.1, seed: 11 }, 'dropped on the way to the device'),
  lossy('loss-in', "Loss: 10 % of the device's DATA frames dropped; the device retransmits and every answer arrives", { dropIn: 0.1, seed: 12 }, 'dropped on the way back'),
  lossy('corruption', 'Corruption: 10 % of DATA frames to the device damaged; the device drops them by their CRC and goes on', { corruptOut: 0.1, seed: 13 }, 'damaged'),
];
