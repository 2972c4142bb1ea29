export { bar, eta, formatDuration, formatTable } from './format.js';
export { ListrReporter, type ReporterOptions } from './reporter.js';
