/** runner/ui/scaling: the scaling view's chart spec and API answer (the fit itself is runner/tracking/scaling.ts). */
export { CURVE_SAMPLES, fittedCurves, scalingSpec, seriesLabel, type ChartPoint, type CurvePoint } from './spec.js';
export { scalingView, type ScalingView } from './api.js';
