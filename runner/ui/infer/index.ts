/** runner/ui/infer: the in-browser inference check's server side (the client is runner/ui/client/infer.js). */
export { DEFAULT_WINDOWS, INFER_FILES, InferenceError, inferencePayload, TOLERANCE, type InferencePayload, type PayloadOptions } from './payload.js';
export { ORT_DIST_FILES, ortDistFile } from './ort.js';
