// Named sweep presets: conf/sweep/<name>.yaml, selected with `sweep=<name>` under --multirun.
// A preset lists its sweep overrides under `params:` (like Hydra's hydra.sweeper.params)
// and may pair keys with `zip:` (a list of key lists), or draw jobs at random with
// `sampler: { type: random, samples: N, seed: S }` (the only way to use interval()).
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { configRepository, type ConfigFile } from '../runner/config/index.js';
import { plainConfig } from '../runner/overrides/index.js';
import { sweepPresetSchema, type SweepPresetFile } from '../schemas/sweep.js';
import { SweepError } from './product.js';

export interface SweepPreset {
  name: string;
  overrides: string[];
  zip: SweepPresetFile['zip'];
  sampler: SweepPresetFile['sampler'];
  /** `sweeper:` the study sweeper it selects and its keys (checked when composed, as conf/sweeper's node), or null. */
  sweeper: Record<string, unknown> | null;
}

export function presetNames(configDir: string): string[] {
  return configRepository(configDir).groupOptions('sweep');
}

export function loadPreset(configDir: string, name: string): SweepPreset {
  let found: ConfigFile | null;
  try {
    found = configRepository(configDir).load(`sweep/${name}`);
  } catch (e) {
    throw new SweepError((e as Error).message, { cause: e });
  }
  if (!found) {
    const names = presetNames(configDir);
    const available = names.length ? `available: ${names.join(', ')}` : `no presets in ${join(configDir, 'sweep')}/`;
    throw new SweepError(`sweep=${name}: no preset ${join(configDir, 'sweep', name)}.yaml; ${available}`);
  }
  // the repository's content is frozen and shared; ajv fills in defaults, so it checks a plain copy
  const preset = checkPreset(found.displayPath, structuredClone(plainConfig(found.content)));
  // the override text comes from the file's own values, where a YAML 1.0 is a Float that prints as 1.0
  const params = (found.content as { params: Record<string, unknown> }).params;
  const overrides = Object.keys(preset.params).map((key) => {
    const value = params[key];
    return `${key}=${Array.isArray(value) ? value.map(String).join(',') : String(value)}`;
  });
  const sweeper = (found.content as { sweeper?: Record<string, unknown> | null }).sweeper ?? null;
  return { name, overrides, zip: preset.zip, sampler: preset.sampler, sweeper: sweeper && structuredClone(plainConfig(sweeper) as Record<string, unknown>) };
}

let validator: ValidateFunction<SweepPresetFile> | undefined;

/**
 * Checks a parsed preset against schemas/sweep, filling in defaults. Throws one SweepError line naming
 * the file, the key and the fix; of several mistakes, the first in the order of presetMistake's cases.
 */
function checkPreset(file: string, doc: unknown): SweepPresetFile {
  validator ??= new Ajv({ strict: true, allErrors: true, useDefaults: true, allowUnionTypes: true }).compile<SweepPresetFile>(sweepPresetSchema);
  if (validator(doc)) return doc;
  const [first] = validator.errors!.map(presetMistake).sort((a, b) => a.rank - b.rank);
  throw new SweepError(`${file}: ${first.text}`);
}

function presetMistake(error: ErrorObject): { rank: number; text: string } {
  const [section, key] = error.instancePath.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  const { additionalProperty, missingProperty } = error.params as { additionalProperty?: string; missingProperty?: string };
  const sampler = (rank: number, text: string) => ({ rank, text: `${text}; e.g. sampler: {type: random, samples: 20, seed: 0}` });
  switch (section) {
    case undefined:
      if (error.keyword !== 'additionalProperties') return { rank: 0, text: "expected a mapping with 'params:'" };
      return { rank: 1, text: `unknown key '${additionalProperty}'; a preset has 'params:' and optionally 'zip:', 'sampler:' or 'sweeper:'` };
    case 'sweeper':
      return { rank: 5, text: "'sweeper' must be a mapping with a name, e.g. sweeper: {name: tpe, n_trials: 50, params: {trainer.lr: 'interval(1e-4, 1e-3)'}}" };
    case 'params':
      if (key === undefined) return { rank: 2, text: "'params' must map keys to sweep values, e.g. budget: 2m,20m" };
      return { rank: 3, text: `params.${key} must be a value, a comma list or a YAML list of values` };
    case 'zip':
      return { rank: 4, text: "'zip' must be a list of key lists, e.g. [[budget, horizon]]" };
    default: {
      if (error.keyword === 'additionalProperties') return sampler(6, `unknown sampler key '${additionalProperty}'`);
      const field = key ?? missingProperty;
      if (field === 'samples') return sampler(7, 'sampler.samples must be a positive integer');
      if (field === 'seed') return sampler(8, 'sampler.seed must be an integer');
      return sampler(5, "sampler.type must be 'random'");
    }
  }
}
