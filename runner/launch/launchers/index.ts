import { PlanError } from '../plan.js';
import { LocalLauncher } from './local.js';
import type { Launcher } from './types.js';

export { LocalLauncher } from './local.js';
export type { JobTicket, LaunchContext, Launcher } from './types.js';

/** The launcher a `launcher` setting names; throws PlanError for one that does not exist. */
export function createLauncher(name = 'local'): Launcher {
  if (name === 'local') return new LocalLauncher();
  throw new PlanError(`launcher '${name}' is not available; the only launcher is 'local' (jobs one after another). Fix the "launcher" setting`);
}
