/**
 * Training checkpoints: each parameter and buffer as its own named tensor (loadable as a state dict by
 * the Python safetensors package), the optimizer's state slots as flat vectors (`<prefix>/<slot>`, AdamW:
 * adam/m and adam/v), and step, seed and RNG state as metadata.
 */
import type { Optimizer } from '../optim/optimizer.js';
import type { Layout } from '../step/net.js';
import { type StTensor, readSafetensors, writeSafetensors } from './safetensors.js';

export interface TrainState {
  params: Float32Array;
  buffers: Float32Array;
  /** The optimizer's per-element state, by slot name. */
  slots: Record<string, Float32Array>;
  /** Optimizer steps taken. */
  step: number;
}

export const CHECKPOINT_FORMAT = 'ladder-checkpoint-1';

export function saveCheckpoint(path: string, layout: Layout, optimizer: Pick<Optimizer, 'checkpointPrefix' | 'slots'>, s: TrainState, extra: Record<string, string | number> = {}): void {
  const tensors: Record<string, StTensor> = {};
  for (const p of layout.params) tensors[`param/${p.name}`] = { data: s.params.subarray(p.offset, p.offset + p.size), shape: p.shape };
  for (const b of layout.buffers) tensors[`buffer/${b.name}`] = { data: s.buffers.subarray(b.offset, b.offset + b.size), shape: b.shape };
  for (const name of optimizer.slots) tensors[`${optimizer.checkpointPrefix}/${name}`] = { data: s.slots[name], shape: [s.slots[name].length] };
  const meta: Record<string, string> = { format: CHECKPOINT_FORMAT, step: String(s.step) };
  for (const [k, v] of Object.entries(extra)) meta[k] = String(v);
  writeSafetensors(path, tensors, meta);
}

/** Reads a checkpoint written for `layout`; a mismatching model is reported by parameter name. */
export function loadCheckpoint(path: string, layout: Layout, optimizer: Pick<Optimizer, 'checkpointPrefix' | 'slots'>): { state: TrainState; metadata: Record<string, string> } {
  const { tensors, metadata } = readSafetensors(path);
  if (metadata.format !== CHECKPOINT_FORMAT) throw new Error(`${path}: not a Ladder checkpoint (format ${metadata.format ?? 'missing'})`);
  const take = (name: string, size: number): Float32Array => {
    const t = tensors[name];
    if (!t) throw new Error(`${path}: checkpoint has no ${name} — it was written for a different model`);
    if (!(t.data instanceof Float32Array) || t.data.length !== size) throw new Error(`${path}: ${name} has ${t.data.length} values, the model expects ${size}`);
    return t.data;
  };
  const params = new Float32Array(layout.paramCount);
  const buffers = new Float32Array(layout.bufferCount);
  for (const p of layout.params) params.set(take(`param/${p.name}`, p.size), p.offset);
  for (const b of layout.buffers) buffers.set(take(`buffer/${b.name}`, b.size), b.offset);
  const slots = Object.fromEntries(optimizer.slots.map((name) => [name, take(`${optimizer.checkpointPrefix}/${name}`, params.length)]));
  const state = { params, buffers, slots, step: Number(metadata.step) };
  return { state, metadata };
}
