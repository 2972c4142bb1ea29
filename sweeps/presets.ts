// Named sweep presets: conf/sweep/<name>.yaml, selected with `sweep=<name>` under --multirun.
// A preset lists its sweep overrides under `params:` (like Hydra's hydra.sweeper.params)
// and may pair keys with `zip:` (a list of key lists), or draw jobs at random with
// `sampler: { type: random, samples: N, seed: S }` (the only way to use interval()).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SweepError } from './product.js';
import type { SamplerSpec } from './samplers/random.js';

export interface SweepPreset {
  name: string;
  overrides: string[];
  zip: string[][];
  sampler: SamplerSpec | null;
}

const scalar = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

export function presetNames(configDir: string): string[] {
  const dir = join(configDir, 'sweep');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function loadPreset(configDir: string, name: string): SweepPreset {
  const file = ['yaml', 'yml'].map((ext) => join(configDir, 'sweep', `${name}.${ext}`)).find((f) => existsSync(f));
  if (!file) {
    const names = presetNames(configDir);
    const available = names.length ? `available: ${names.join(', ')}` : `no presets in ${join(configDir, 'sweep')}/`;
    throw new SweepError(`sweep=${name}: no preset ${join(configDir, 'sweep', name)}.yaml; ${available}`);
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (e) {
    throw new SweepError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc) || doc === null) throw new SweepError(`${file}: expected a mapping with 'params:'`);
  const unknown = Object.keys(doc).filter((k) => !['params', 'zip', 'sampler'].includes(k));
  if (unknown.length) throw new SweepError(`${file}: unknown key '${unknown[0]}'; a preset has 'params:' and optionally 'zip:' or 'sampler:'`);
  const { params = {}, zip = [], sampler = null } = doc as { params?: unknown; zip?: unknown; sampler?: unknown };
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new SweepError(`${file}: 'params' must map keys to sweep values, e.g. budget: 2m,20m`);
  }
  const overrides = Object.entries(params).map(([key, value]) => {
    if (scalar(value)) return `${key}=${value}`;
    if (Array.isArray(value) && value.every(scalar)) return `${key}=${value.join(',')}`;
    throw new SweepError(`${file}: params.${key} must be a value, a comma list or a YAML list of values`);
  });
  const zipOk = Array.isArray(zip) && zip.every((z) => Array.isArray(z) && z.every((k) => typeof k === 'string'));
  if (!zipOk) throw new SweepError(`${file}: 'zip' must be a list of key lists, e.g. [[budget, horizon]]`);
  return { name, overrides, zip: zip as string[][], sampler: sampler === null ? null : checkSampler(file, sampler) };
}

function checkSampler(file: string, sampler: unknown): SamplerSpec {
  const s = sampler as Partial<SamplerSpec> | null;
  const fix = "e.g. sampler: {type: random, samples: 20, seed: 0}";
  if (typeof s !== 'object' || s === null || s.type !== 'random') throw new SweepError(`${file}: sampler.type must be 'random'; ${fix}`);
  const extra = Object.keys(s).find((k) => !['type', 'samples', 'seed'].includes(k));
  if (extra) throw new SweepError(`${file}: unknown sampler key '${extra}'; ${fix}`);
  if (!Number.isInteger(s.samples) || s.samples! < 1) throw new SweepError(`${file}: sampler.samples must be a positive integer; ${fix}`);
  if (s.seed !== undefined && !Number.isInteger(s.seed)) throw new SweepError(`${file}: sampler.seed must be an integer; ${fix}`);
  return { type: 'random', samples: s.samples!, seed: s.seed ?? 0 };
}
