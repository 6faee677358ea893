// Where EdgeFleet keeps its registry and artifacts.
import os from 'node:os';
import path from 'node:path';
import { makeHomeFolder } from './home-modes.js';

/** `--home` flag, else EDGEFLEET_HOME, else the platform's per-user app-data folder; created (0700) if missing. */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag?.trim() || env.EDGEFLEET_HOME?.trim() || defaultHome(env);
  const home = path.resolve(chosen);
  makeHomeFolder(home);
  return home;
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const userHome = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA || path.join(userHome, 'AppData', 'Roaming'), 'EdgeFleet');
  if (platform === 'darwin') return path.join(userHome, 'Library', 'Application Support', 'EdgeFleet');
  return path.join(env.XDG_CONFIG_HOME || path.join(userHome, '.config'), 'EdgeFleet');
}
