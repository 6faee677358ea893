// Every `edgefleet` command, in the order `edgefleet --help` lists them; help, completion and the
// help test all read this list.
import type { Command } from './commands/command.js';
import { abCommand } from './commands/ab.js';
import { agentCommand } from './commands/agent.js';
import { artifactsCommand } from './commands/artifacts.js';
import { auditCommand } from './commands/audit.js';
import { brokerCommand } from './commands/broker.js';
import { bundleCommand } from './commands/bundle.js';
import { convertCommand } from './commands/convert.js';
import { demoCommand } from './commands/demo.js';
import { deployCommand } from './commands/deploy.js';
import { devicesCommand } from './commands/devices.js';
import { evaluateCommand } from './commands/evaluate.js';
import { inspectCommand } from './commands/inspect.js';
import { modelsCommand } from './commands/models.js';
import { pairCommand } from './commands/pair.js';
import { profileCommand } from './commands/profile.js';
import { profilesCommand } from './commands/profiles.js';
import { quantizeCommand } from './commands/quantize.js';
import { rollbackCommand } from './commands/rollback.js';
import { rolloutCommand } from './commands/rollout.js';
import { flCommand } from './commands/fl.js';
import { sensitivityCommand } from './commands/sensitivity.js';
import { targetsCommand } from './commands/targets.js';
import { serialCommand } from './commands/serial.js';
import { mqttCommand } from './commands/mqtt.js';
import { serveCommand } from './commands/serve.js';
import { sshCommand } from './commands/ssh.js';
import { tuneCommand } from './commands/tune.js';
import { completionCommand } from './completion.js';

export const commands: readonly Command[] = [
  serveCommand,
  inspectCommand,
  profileCommand,
  modelsCommand,
  profilesCommand,
  quantizeCommand,
  convertCommand,
  evaluateCommand,
  sensitivityCommand,
  targetsCommand,
  tuneCommand,
  auditCommand,
  devicesCommand,
  pairCommand,
  deployCommand,
  rollbackCommand,
  serialCommand,
  mqttCommand,
  artifactsCommand,
  sshCommand,
  brokerCommand,
  bundleCommand,
  rolloutCommand,
  abCommand,
  flCommand,
  demoCommand,
  agentCommand,
  completionCommand(() => commands),
];
