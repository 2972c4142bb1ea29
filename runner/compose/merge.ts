import { deepmergeCustom } from 'deepmerge-ts';
import { type ConfigDict, type ConfigValue } from './types.js';

/**
 * Merges configs the way OmegaConf does: dicts merge key by key, lists and scalars replace
 * (never concatenate), and a mandatory `???` does not erase a value set earlier.
 */
const merge = deepmergeCustom({
  mergeArrays: false,
  filterValues: (values) => {
    const defined = values.filter((v) => v !== undefined);
    const set = defined.filter((v) => v !== '???');
    return set.length > 0 ? set : defined;
  },
});

export function mergeConfigs(configs: ConfigDict[]): ConfigDict {
  if (configs.length === 0) return {};
  if (configs.length === 1) return configs[0]!;
  return merge(...configs) as ConfigDict;
}

/** Nests `body` under a dotted package, e.g. ('model', {a: 1}) → {model: {a: 1}}; '' is the top level. */
export function placeAtPackage(pkg: string, body: ConfigDict): ConfigDict {
  if (pkg === '') return body;
  return pkg.split('.').reduceRight<ConfigValue>((inner, key) => ({ [key]: inner }), body) as ConfigDict;
}
