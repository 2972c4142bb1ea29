export { bar, eta, formatDuration, formatTable, TextTable } from './format.js';
export { ListrReporter, type ReporterOptions } from './reporter.js';
