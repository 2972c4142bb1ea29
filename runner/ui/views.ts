// The views of the results page and the panels of its run page. A view is one client module (under
// runner/ui/client/) and, usually, one API route module: add an entry here and both are mounted.
import type { Hono } from 'hono';
import type { UiContext } from './context.js';
import { compareRoutes } from './routes/compare.js';
import { runRoutes } from './routes/run.js';
import { runsRoutes } from './routes/runs.js';
import { scalingRoutes } from './routes/scaling.js';
import { sweepRoutes } from './routes/sweeps.js';

export interface UiView {
  /** The route: the page at #/<id>/<rest>?<query> imports `module` and calls its render(). */
  id: string;
  /** Its name in the navigation bar. */
  title: string;
  /** Whether the navigation bar links to it (a run page is reached from the table, not the bar). */
  nav: boolean;
  /** The client module, relative to runner/ui/client/ (e.g. 'views/runs.js'): export async function render(el, route). */
  module: string;
  /** Its API, mounted under /api (paths inside start with '/'); views may share one. */
  routes?: (ctx: UiContext) => Hono;
}

/** A section of the run page: its client module exports async function render(el, run). */
export interface RunPanel {
  id: string;
  title: string;
  module: string;
  routes?: (ctx: UiContext) => Hono;
}

export const VIEWS: UiView[] = [
  { id: 'runs', title: 'Runs', nav: true, module: 'views/runs.js', routes: runsRoutes },
  { id: 'sweeps', title: 'Sweeps', nav: true, module: 'views/sweeps.js', routes: sweepRoutes },
  { id: 'sweep', title: 'Sweep', nav: false, module: 'views/sweep.js' },
  { id: 'compare', title: 'Compare', nav: true, module: 'views/compare.js', routes: compareRoutes },
  { id: 'scaling', title: 'Scaling', nav: true, module: 'views/scaling.js', routes: scalingRoutes },
  { id: 'run', title: 'Run', nav: false, module: 'views/run.js', routes: runRoutes },
];

/** The run page, top to bottom. */
export const RUN_PANELS: RunPanel[] = [
  { id: 'config', title: 'Config and overrides', module: 'panels/config.js' },
  { id: 'metrics', title: 'Metrics', module: 'panels/metrics.js' },
  { id: 'evaluation', title: 'Calibration and backtest', module: 'panels/evaluation.js' },
  { id: 'inference', title: 'In-browser inference', module: 'panels/inference.js' },
  { id: 'log', title: 'Log', module: 'panels/log.js' },
  { id: 'artifacts', title: 'Artifacts', module: 'panels/artifacts.js' },
];
