/** runner/ui: the results page behind `npx runs ui` (server, API routes, Vega-Lite specs, client files). */
export { createUiApp, isLoopback, startUi, clientDir, type UiAppOptions, type UiServer } from './server.js';
export { RUN_PANELS, VIEWS, type RunPanel, type UiView } from './views.js';
export { withIndex, runOr404, type UiContext } from './context.js';
export { resolveInside } from './files.js';
export { VENDOR_FILES, vendorFile, vendorType } from './vendor.js';
export * from './specs.js';
export { equityCurve, runEquity } from './backtest.js';
export { loadRunDataset, RunDataError, testPredictions, type PredictionRow, type RunDataConfig } from './run-data.js';
