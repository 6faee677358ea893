// A real agent's info answers energy: on this virtual machine plainly not available, with the reason
// naming the missing /sys/class/powercap (never 0 W), and the answer passes the protocol schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWith, startAgent, type AgentProcess } from '../helpers/agent-process.js';

let agent: AgentProcess;

beforeAll(async () => {
  agent = await startAgent({ name: 'energy-device' });
}, 60_000);

afterAll(async () => {
  await agent?.stop();
});

describe('energy in a real agent\'s info', () => {
  it('says energy is not available on this machine and why', async () => {
    const { client } = await pairWith(agent);
    try {
      // AgentClient validates the response against deviceInfoSchema, energy included.
      const info = await client.call('info');
      expect(info.energy).toMatchObject({ available: false });
      if (info.energy?.available !== false) throw new Error('energy should be unavailable here');
      expect(info.energy.reason).toContain('/sys/class/powercap does not exist');
      expect(info.energy.fix).toMatch(/powercap/);
    } finally {
      client.close();
    }
  });
});
