// What the training loop tells its hooks, and what a hook may answer. Every method of a hook is
// optional (absent = does nothing); any event but `end` may be answered with a stop request.

/** After each optimizer step. */
export interface StepEvent {
  /** Optimizer steps taken, this one included (1-based, counted across a resume). */
  step: number;
  /** The epoch this step belongs to (1-based). */
  epoch: number;
  /** Mean train loss of the step's batch. */
  loss: number;
  /** Learning rate the step used. */
  lr: number;
  /** Global L2 norm of the gradient, before clipping. */
  gradNorm: number;
  /** Train samples per second of wall time since the epoch began in this process (hook time included). */
  samplesPerSec: number;
}

/** After an epoch's last step, before its validation. */
export interface TrainEpochEndEvent {
  epoch: number;
  step: number;
  /** Sample-weighted mean train loss over the epoch. */
  trainLoss: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
}

/** After a validation pass (every eval_interval epochs and after the last one); its loss is finite. */
export interface EvalEvent {
  epoch: number;
  step: number;
  /** Sample-weighted mean val loss. */
  valLoss: number;
  /** Val probabilities, one per val sample in date order. */
  probs: Float32Array;
}

/** After an epoch, its validation included (if it had one). */
export interface EpochEndEvent {
  epoch: number;
  step: number;
  trainLoss: number;
  /** null when the epoch was not evaluated. */
  valLoss: number | null;
}

/** After a checkpoint was written through the loop (LoopHandle.save / saveResumable). */
export interface CheckpointEvent {
  /** Absolute path written. */
  path: string;
  step: number;
  /** Epochs fully done when it was written. */
  epoch: number;
  /** True for a resume point: its metadata holds the loop's and every hook's state. */
  resumable: boolean;
}

/**
 * A hook's request to end the run: the loop ends at the next boundary (after the step's or the epoch's hooks).
 * `pruned`: a study's pruner stopped the trial; it ends as an early stop does, with the run's status `pruned`.
 */
export type Stop = { kind: 'completed'; why: string } | { kind: 'pruned'; why: string } | { kind: 'interrupted'; why?: string };

/** How the loop ended: a stop request (or Ctrl-C, as `interrupted` without `why`), or a non-finite loss. */
export type LoopEnd = Stop | { kind: 'nonfinite'; reason: string };

/** Once, as the loop returns. */
export interface EndEvent {
  /** Optimizer steps taken. */
  step: number;
  /** The epoch of the last step taken (0 before any). */
  epoch: number;
  end: LoopEnd;
}

/** What a hook may answer an event with: nothing, or a stop request. */
export type Answer = Stop | void;

/** What the loop lends a hook during a call. */
export interface LoopHandle {
  /** Aborted on Ctrl-C. A hook that waits (a pause) should give up when it fires; the loop stops waiting on a step hook then anyway. */
  readonly signal: AbortSignal;
  /** Writes the trainer's weights, optimizer state and step to `path` with `metadata`, then emits `checkpoint`. */
  save(path: string, metadata: Record<string, string | number>): Promise<void>;
  /** Writes a resume point to `path`: `save` with the loop's and every hook's state as metadata. */
  saveResumable(path: string): Promise<void>;
}

/**
 * A training-loop hook (Lightning's Callback): implement the events you need. Hooks run in list order;
 * each call is awaited before the next. A step hook may return a promise that resolves later (e.g. a
 * pause): the loop waits, unless Ctrl-C aborts `loop.signal`, which ends the run `interrupted` at once.
 * The first stop request wins. Calling `loop.save*` from `onCheckpoint` would recurse: don't.
 *
 * State: `state()` is saved as JSON (non-finite numbers allowed) under `hook/<name>` in every resume
 * point's metadata, and `load()` gets it back on `--resume` before the loop starts, so a resumed run
 * continues exactly where the interrupted one stopped.
 */
export interface Hook<S extends object = object> {
  /** Unique within a loop; names the hook's state in the checkpoint (snake_case, e.g. early_stopping). */
  readonly name: string;
  onStep?(e: StepEvent, loop: LoopHandle): Answer | Promise<Answer>;
  onTrainEpochEnd?(e: TrainEpochEndEvent, loop: LoopHandle): Answer | Promise<Answer>;
  onEval?(e: EvalEvent, loop: LoopHandle): Answer | Promise<Answer>;
  onEpochEnd?(e: EpochEndEvent, loop: LoopHandle): Answer | Promise<Answer>;
  onCheckpoint?(e: CheckpointEvent, loop: LoopHandle): Answer | Promise<Answer>;
  /** Awaited in full even after Ctrl-C: the place to save what must survive. */
  onEnd?(e: EndEvent, loop: LoopHandle): void | Promise<void>;
  state?(): S;
  load?(state: S): void;
}
