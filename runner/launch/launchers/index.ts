import type { LauncherConfig } from '../../../schemas/launcher.js';
import { PlanError } from '../plan.js';
import { DEFAULT_LAUNCHER } from './config.js';
import { LocalLauncher } from './local.js';
import { PoolLauncher } from './pool/index.js';
import type { Launcher } from './types.js';

export { LocalLauncher } from './local.js';
export { PoolLauncher, poolShape, type PoolOptions } from './pool/index.js';
export { DEFAULT_LAUNCHER, isLauncherOverride, splitLauncher } from './config.js';
export type { JobTicket, LaunchContext, Launcher } from './types.js';

/** How each launcher is made from its (validated) `launcher` node; a new launcher adds its line. */
const FACTORIES: { [N in LauncherConfig['name']]: (config: Extract<LauncherConfig, { name: N }>) => Launcher } = {
  local: (config) => new LocalLauncher(config),
  pool: (config) => new PoolLauncher(config),
};

/** The launcher a composed `launcher` node names (default local); throws PlanError for a name no factory has. */
export function createLauncher(config: LauncherConfig = DEFAULT_LAUNCHER): Launcher {
  const make = FACTORIES[config.name] as ((c: LauncherConfig) => Launcher) | undefined;
  if (!make) throw new PlanError(`launcher '${config.name}' is not available; choose one of ${Object.keys(FACTORIES).join(', ')} (launcher=<name>)`);
  return make(config);
}
