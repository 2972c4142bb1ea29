// The numbers createTrainer takes, checked before anything is built: a value the engine cannot honour
// (a fractional batch, K = 0 steps per run, a negative recompute segment) is one error naming the option,
// not a BigInt conversion deep in the graph builder or a silently truncated seed.

/** The TrainerOptions fields checked here (the rest are objects: a model, an optimizer, a cache). */
export interface TrainerNumbers {
  batchSize: number;
  inputShape: number[];
  seed: number;
  evalBatchSize?: number;
  threads?: number;
  posWeight?: number;
  recompute?: number;
  stepsPerRun?: number;
}

const int = (min: number) => (v: unknown) => Number.isInteger(v) && (v as number) >= min;

/** [option, test, rule, meaning]; the first three are required, the rest may be absent (their defaults). */
const RULES: [keyof TrainerNumbers, (v: unknown) => boolean, string, string][] = [
  ['batchSize', int(1), 'an integer >= 1', 'samples per step'],
  ['inputShape', (v) => Array.isArray(v) && v.length > 0 && v.every(int(1)), 'a non-empty list of integers >= 1', 'one sample, e.g. [contextLength, channels]'],
  ['seed', (v) => Number.isSafeInteger(v), 'an integer', 'a fraction would be truncated into another seed'],
  ['evalBatchSize', int(1), 'an integer >= 1', 'samples per eval batch'],
  ['threads', int(1), 'an integer >= 1', "onnxruntime's intra-op threads"],
  ['posWeight', (v) => Number.isFinite(v) && (v as number) > 0, 'a number > 0', 'the BCE weight of positives'],
  ['recompute', int(0), 'an integer >= 0', 'encoder layers per recomputed segment; 0: off'],
  ['stepsPerRun', int(1), 'an integer >= 1', 'optimizer steps per onnxruntime run'],
];

const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/**
 * Throws on the first number createTrainer cannot honour, e.g. `createTrainer: stepsPerRun must be an
 * integer >= 1, got 0 (optimizer steps per onnxruntime run)`. Absent optional fields take their defaults.
 */
export function checkTrainerNumbers(opts: TrainerNumbers): void {
  RULES.forEach(([name, test, rule, meaning], i) => {
    const value = opts[name];
    if (value === undefined && i >= 3) return;
    if (!test(value)) throw new Error(`createTrainer: ${name} must be ${rule}, got ${show(value)} (${meaning})`);
  });
}
