// The hardware and thermal monitor: readings through systeminformation (or an injected provider), the
// study's temperature levels, sys/* samples and the machine-side preflight lines. The training hook that
// uses it lives with the other hooks (runner/tasks/train/hooks/monitor.ts).
export type { GpuReading, Level, PreflightLine, Provider, Reading } from './types.js';
export { checkThresholds, fmtTemp, levelOf, type Thresholds } from './thresholds.js';
export { SystemProvider } from './provider.js';
export { currentProvider, ProcessProvider, useProvider } from './remote.js';
export { Sensor } from './sensor.js';
export { samples } from './samples.js';
export { diskLine, freeDisk, renderPreflight, sensorsLine } from './preflight.js';
