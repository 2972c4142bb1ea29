import type { MemoryEstimate } from './estimate.js';

/** Bytes in binary units with one decimal: 512 B, 6.2 MiB, 27.0 GiB. */
export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * The estimate as text, part by part. 'lines' (default): one aligned line per part and the total, for a
 * preflight check to print. 'inline': `<part> <size>` phrases without the total, to join into a sentence
 * (the memory refusal).
 */
export function describeMemory(e: MemoryEstimate, form: 'lines' | 'inline' = 'lines'): string[] {
  const { label, stateNoun, slots } = e.optimizer;
  // line: the part's name in a line; inline: in a sentence; shown: its line's text (default: the size)
  const parts: { line: string; inline?: string; bytes: number; shown?: string }[] = [
    { line: 'parameters', inline: 'weights', bytes: e.params, shown: `${e.paramCount.toLocaleString('en-US')} (${formatBytes(e.params)})` },
    { line: 'gradients', bytes: e.grads },
    { line: `${label} ${slots.join(', ')}`, inline: `${label} ${stateNoun}`, bytes: e.adamMoments },
    { line: 'step copies', bytes: e.stepCopies, shown: `${formatBytes(e.stepCopies)} (fixed cost with the above: ${e.fixedPerParam.toFixed(0)} B/param)` },
    { line: 'activations', bytes: e.activations, shown: `${formatBytes(e.activations)} at batch ${e.batchSize}` },
    { line: 'overhead', bytes: e.overhead, shown: `${formatBytes(e.overhead)} (runtime, saved op inputs, copies)` },
  ];
  if (form === 'inline') return parts.map((p) => `${p.inline ?? p.line} ${formatBytes(p.bytes)}`);
  const row = (name: string, text: string) => `${name.padEnd(15)}${text}`;
  return [...parts.map((p) => row(p.line, p.shown ?? formatBytes(p.bytes))), row('total', formatBytes(e.total))];
}
