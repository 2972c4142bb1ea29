import { deepmergeCustom } from 'deepmerge-ts';
import { copyConfigValue } from '../overrides/index.js';
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

/**
 * Merges in order (later wins). The result may share nodes with the inputs (a key only one input has
 * is taken as is): give it configs it owns, e.g. from placeAtPackage.
 */
export function mergeConfigs(configs: ConfigDict[]): ConfigDict {
  if (configs.length === 0) return {};
  if (configs.length === 1) return configs[0]!;
  return merge(...configs) as ConfigDict;
}

/**
 * A copy of `body` nested under a dotted package, e.g. ('model', {a: 1}) → {model: {a: 1}}; '' is the
 * top level. Always a copy that shares no node with `body` (file contents are cached and frozen, and
 * one file placed at two packages must give two independent configs, as in OmegaConf).
 */
export function placeAtPackage(pkg: string, body: ConfigDict): ConfigDict {
  const copy = copyConfigValue(body);
  if (pkg === '') return copy;
  return pkg.split('.').reduceRight<ConfigValue>((inner, key) => ({ [key]: inner }), copy) as ConfigDict;
}
