// Calls a list of hooks in order, keeps the first stop request (the stop flag), and carries the hooks'
// state to and from checkpoint metadata.
import type { Answer, EndEvent, Hook, LoopHandle, Stop } from './types.js';

type Events = Required<Pick<Hook, 'onStep' | 'onTrainEpochEnd' | 'onEval' | 'onEpochEnd' | 'onCheckpoint'>>;
type EventName = keyof Events;

/** Checkpoint metadata key of a hook's state. */
export const stateKey = (name: string) => `hook/${name}`;

/** JSON that keeps Infinity, -Infinity and NaN (as strings), for checkpoint metadata. */
export const encodeJson = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
export const decodeJson = <T>(text: string): T =>
  JSON.parse(text, (_k, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v)) as T;

const ABORTED = Symbol('aborted');

/** `answer`, or ABORTED as soon as `signal` fires, whichever comes first (no listener is left behind). */
function unlessAborted(answer: Answer | Promise<Answer>, signal: AbortSignal): Answer | typeof ABORTED | Promise<Answer | typeof ABORTED> {
  if (!(answer instanceof Promise)) return answer;
  if (signal.aborted) return ABORTED;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class HookList {
  /** The first stop request answered since the loop began; Ctrl-C during a step hook's wait sets `interrupted`. */
  stop: Stop | undefined;

  /** @throws Error when two hooks share a name (their states would collide). */
  constructor(readonly hooks: readonly Hook[]) {
    const names = hooks.map((h) => h.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`two training hooks are named '${twice}'`);
  }

  /** Calls `name` on every hook that has it, in order; a step hook's wait ends early on `loop.signal`. */
  async emit<K extends EventName>(name: K, event: Parameters<Events[K]>[0], loop: LoopHandle): Promise<void> {
    for (const hook of this.hooks) {
      const call = hook[name] as ((e: typeof event, l: LoopHandle) => Answer | Promise<Answer>) | undefined;
      if (!call) continue;
      const answer = call.call(hook, event, loop);
      const a = name === 'onStep' ? await unlessAborted(answer, loop.signal) : await answer;
      if (a === ABORTED) {
        this.stop ??= { kind: 'interrupted' };
        return;
      }
      if (a) this.stop ??= a;
    }
  }

  /** The `end` event, awaited in full on every hook (Ctrl-C or not). */
  async end(event: EndEvent, loop: LoopHandle): Promise<void> {
    for (const hook of this.hooks) await hook.onEnd?.(event, loop);
  }

  /** Every hook's state as checkpoint metadata, one `hook/<name>` key each. */
  metadata(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const h of this.hooks) if (h.state) out[stateKey(h.name)] = encodeJson(h.state());
    return out;
  }

  /** Gives each hook the state it saved in `metadata`; a hook without a key there keeps its fresh state. */
  load(metadata: Record<string, string>): void {
    for (const h of this.hooks) {
      const text = metadata[stateKey(h.name)];
      if (h.load && text !== undefined) h.load(decodeJson(text));
    }
  }
}
