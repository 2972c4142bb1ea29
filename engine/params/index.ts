export { countParams, paramBreakdown, type ParamBreakdown } from './count.js';
