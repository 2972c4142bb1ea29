/**
 * Feeds of the train loop (engine/step/loop.ts) from the feeds of its single steps: carried state and
 * constants from the first step's, each per-step input stacked [K, ...] (rows past the last step left
 * zero: the loop never reads them), and the trip count.
 */
import type { LoopSignature } from '../step/loop.js';
import { TRIP_COUNT } from '../step/loop.js';
import type { Feed, FeedValue } from './backends.js';

/**
 * @param steps the feeds each of the n ≤ K steps would get alone, in order (same names and dims).
 * @throws Error when there are no steps or more than the loop holds.
 */
export function loopFeeds(sig: LoopSignature, steps: Record<string, FeedValue>[]): Record<string, FeedValue> {
  const n = steps.length;
  if (n < 1 || n > sig.steps) throw new Error(`a run of the train loop takes 1 to ${sig.steps} steps, got ${n}`);
  const first = steps[0];
  const feeds: Record<string, FeedValue> = {};
  for (const name of [...Object.keys(sig.carried), ...sig.constant]) if (first[name]) feeds[name] = first[name];
  for (const name of sig.perStep) {
    const { data, dims } = first[name];
    const per = data.length;
    const stacked = new (data.constructor as new (n: number) => Feed)(sig.steps * per);
    steps.forEach((s, i) => {
      if (s[name].data.length !== per) throw new Error(`step ${i + 1} of the run feeds ${name} with ${s[name].data.length} values, step 1 with ${per}`);
      (stacked as Float32Array).set(s[name].data as Float32Array, i * per);
    });
    feeds[name] = { data: stacked, dims: [sig.steps, ...dims] };
  }
  feeds[TRIP_COUNT] = { data: BigInt64Array.of(BigInt(n)), dims: [] };
  return feeds;
}
