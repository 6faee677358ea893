// Fail points for crash tests: EDGEFLEET_AGENT_CRASH_AT=<name> makes the agent kill itself with
// SIGKILL when it reaches that point, so a test can stop it between two exact steps of a deployment.
const target = process.env.EDGEFLEET_AGENT_CRASH_AT ?? '';

export function crashPoint(name: string): void {
  if (target && target === name) process.kill(process.pid, 'SIGKILL');
}
