import path from 'node:path';
import { ConfigError } from '../errors.js';
import { nearest } from '../suggest.js';
import { interpolateChoices, isInterpolated, parseDefaultEntry, type DefaultEntry, type GroupEntry } from './defaults-entry.js';
import { loadConfig, type LoadedConfig } from './loader.js';
import type { ConfigValue } from './types.js';
import type { ConfigRepository } from '../config/index.js';
import { HYDRA_CONFIG, HYDRA_GROUPS, hydraRootDefaults, isBuiltinOption, isHydraGroupKey } from './hydra.js';

/** Group choices from the command line, already split from plain key overrides. */
export interface GroupOverrides {
  /** `group(@pkg)=option`: change the option of an existing defaults entry. */
  select: Array<{ key: string; option: string | string[] | null; input: string }>;
  /** `+group(@pkg)=option`: append a new entry to the primary defaults list. */
  add: Array<{ group: string; package: string | null; option: string | string[]; input: string }>;
  /** `~group(@pkg)` or `~group=option`: remove an entry. */
  remove: Array<{ key: string; option: string | null; input: string }>;
}

/** One config file placed in the output at `package`; `self` children mark where its own keys merge. */
export interface DefaultsNode {
  configPath: string;
  package: string;
  loaded: LoadedConfig;
  /** `group(@pkg)` when chosen from a group, with the option. */
  choice: { key: string; option: string } | null;
  /**
   * The group that relative entries of its defaults list are relative to: the group it was chosen from
   * (`model` for `model: vit/b16`), else the folder of its config path. Absent: the folder of configPath.
   */
  groupPath?: string;
  children: Array<DefaultsNode | 'self'>;
}

export interface DefaultsResult {
  tree: DefaultsNode;
  /** Hydra's own root (hydra/config) with the hydra/* groups it chose: merged first, at package `hydra`. */
  hydraTree: DefaultsNode;
  /** Files to merge, in order, each at its package (the hydra node's first). */
  sequence: Array<{ configPath: string; package: string; loaded: LoadedConfig }>;
  /**
   * override key (`group` or `group@pkg`) → chosen option (null when the entry selects nothing), for the
   * job's groups; the `hydra` group and hydra/* groups are in `runtimeChoices` only.
   */
  choices: Record<string, string | null>;
  /**
   * Hydra's `hydra.runtime.choices`: every group chosen with one option (job and hydra groups), in the
   * order Hydra meets them; a list-valued selection is left out, an `optional` entry whose file is
   * missing is still there.
   */
  runtimeChoices: Record<string, string | null>;
}

interface Registered {
  option: string | string[] | null;
  /** Config that set it, or null for the command line. */
  from: string | null;
  input: string;
  used: boolean;
}

/** Builds the defaults tree of the primary config with Hydra 1.1+ rules. */
export function buildDefaults(repository: ConfigRepository, configName: string, cli: GroupOverrides, options: { skipMissing?: boolean } = {}): DefaultsResult {
  const primary = loadConfig(repository, configName);
  if (!primary) {
    throw new ConfigError(`Cannot find primary config '${configName}'. Check that ${inSearchPath(repository, configName)}.yaml exists (set --config-dir/--config-name)`);
  }
  const builder = new TreeBuilder(repository, cli, options.skipMissing ?? false);
  // Hydra's root list is [hydra/config, primary], expanded back to front: the primary's overrides of
  // hydra/* groups are known by the time Hydra's own defaults are expanded.
  const tree = builder.expand({ configPath: configName, package: '', loaded: primary, choice: null, children: [] }, true, []);
  const hydraTree = builder.expand({ configPath: HYDRA_CONFIG, package: 'hydra', loaded: virtualConfig(HYDRA_CONFIG, hydraRootDefaults()), choice: null, children: [] }, false, []);
  builder.ensureOverridesUsed();
  const sequence = [...mergeOrder(hydraTree), ...mergeOrder(tree)].filter((item) => !item.loaded.builtin);
  const jobChoices = Object.fromEntries(Object.entries(builder.choices).filter(([key]) => !isHydraGroupKey(key)));
  return { tree, hydraTree, sequence, choices: inTreeOrder(tree, jobChoices), runtimeChoices: builder.runtimeChoices };
}

/** A config that has no file: Hydra's hydra/config, or a built-in option such as hydra/launcher/joblib. */
function virtualConfig(configPath: string, defaults: ConfigValue[] | null): LoadedConfig {
  return { displayPath: `Hydra's ${configPath}`, body: Object.freeze({}), defaults, packageHeader: null, text: '', builtin: true };
}

/** Choices listed as the defaults list reads, top to bottom (they are found back to front). */
function inTreeOrder(tree: DefaultsNode, found: Record<string, string | null>): Record<string, string | null> {
  const ordered: Record<string, string | null> = {};
  const walk = (node: DefaultsNode) => {
    for (const child of node.children) {
      if (child === 'self') continue;
      if (child.choice && child.choice.key in found) ordered[child.choice.key] = found[child.choice.key]!;
      walk(child);
    }
  };
  walk(tree);
  return { ...ordered, ...found };
}

class TreeBuilder {
  readonly choices: Record<string, string | null> = {};
  readonly runtimeChoices: Record<string, string | null> = {};
  private readonly overrides = new Map<string, Registered>();
  private readonly removals = new Map<string, { option: string | null; input: string; used: boolean }>();
  /** Override key → the option met first and the config that chose it (null: the command line). */
  private readonly chosen = new Map<string, { option: string | null; from: string | null }>();
  /** Group choices met so far, for defaults-list interpolation (Hydra's known_choices). */
  private readonly known = new Map<string, string | null>();

  constructor(private readonly repository: ConfigRepository, private readonly cli: GroupOverrides, private readonly skipMissing: boolean) {
    for (const s of cli.select) this.overrides.set(s.key, { option: s.option, from: null, input: s.input, used: false });
    for (const r of cli.remove) this.removals.set(r.key, { option: r.option, input: r.input, used: false });
  }

  /**
   * Expands `node`'s defaults list into its children. `interpolated`: node was chosen by a
   * defaults-list interpolation, whose subtree may not override groups (they are all chosen already).
   */
  expand(node: DefaultsNode, isPrimary: boolean, stack: string[], interpolated = false): DefaultsNode {
    if (stack.includes(node.configPath)) {
      throw new ConfigError(`Defaults cycle: ${[...stack, node.configPath].join(' -> ')}`);
    }
    const where = node.loaded.displayPath;
    const entries = (node.loaded.defaults ?? []).map((item) => parseDefaultEntry(item, where));
    this.validateSelf(entries, where);
    if (isPrimary) {
      for (const a of this.cli.add) {
        entries.push({ kind: 'group', group: a.group, absolute: true, package: a.package, option: a.option, optional: false, override: false, external: true });
      }
    }
    this.registerOverrides(entries, node, where, interpolated);
    const groupDir = groupPathOf(node);
    const inner = [...stack, node.configPath];
    const expandEntry = (entry: DefaultEntry, fromInterpolation: boolean): Array<DefaultsNode | 'self'> => {
      if (entry.kind === 'self') return ['self'];
      if (entry.kind === 'config') return [this.expandConfigEntry(entry, node, groupDir, where, inner, fromInterpolation)];
      return entry.override ? [] : this.expandGroupEntry(entry, node, groupDir, where, inner, fromInterpolation);
    };
    // Hydra expands the list back to front, so overrides inside later entries reach earlier ones. An
    // entry whose option interpolates group choices waits until the rest of the list is expanded.
    const slots: Array<Array<DefaultsNode | 'self'>> = [];
    const deferred: Array<{ slot: number; entry: DefaultEntry }> = [];
    for (const entry of [...entries].reverse()) {
      if (isInterpolated(entry) && !(entry.kind === 'group' && this.overrides.has(this.placement(entry, node, groupDir).key))) {
        deferred.push({ slot: slots.length, entry });
        slots.push([]);
      } else {
        slots.push(expandEntry(entry, interpolated));
      }
    }
    for (const { slot, entry } of deferred) {
      let resolved = entry;
      if (entry.kind === 'config') resolved = { ...entry, path: interpolateChoices(entry.path, this.known, where) };
      else if (entry.kind === 'group') resolved = { ...entry, option: interpolateChoices(entry.option as string, this.known, where) };
      slots[slot] = expandEntry(resolved, true);
    }
    node.children = slots.reverse().flat();
    return node;
  }

  ensureOverridesUsed(): void {
    for (const [key, o] of this.overrides) {
      if (o.used) continue;
      if (o.from === null) {
        const option = Array.isArray(o.option) ? `[${o.option.join(',')}]` : String(o.option);
        throw new ConfigError(`Could not override '${key}': no match in the defaults list. To append to your default list use +${key}=${option}`);
      }
      throw new ConfigError(`In '${o.from}': could not override '${key}': no match in the defaults list`);
    }
    for (const [key, r] of this.removals) {
      if (!r.used) throw new ConfigError(`Could not delete '${r.input.slice(1)}': no match for '${key}' in the defaults list`);
    }
  }

  private validateSelf(entries: DefaultEntry[], where: string): void {
    const selves = entries.filter((e) => e.kind === 'self').length;
    if (selves > 1) throw new ConfigError(`${where}: duplicate _self_ in the defaults list`);
    // Hydra 1.1+: a config's own keys override its defaults unless _self_ says otherwise.
    if (selves === 0) entries.push({ kind: 'self' });
  }

  private registerOverrides(entries: DefaultEntry[], node: DefaultsNode, where: string, interpolated: boolean): void {
    let seenOverride = false;
    for (const entry of entries) {
      if (entry.kind !== 'group' || !entry.override) {
        if (seenOverride && entry.kind !== 'self' && !(entry.kind === 'group' && entry.external)) {
          throw new ConfigError(`${where}: 'override' entries must come at the end of the defaults list`);
        }
        continue;
      }
      seenOverride = true;
      const key = this.placement(entry, node, groupPathOf(node)).key;
      if (interpolated) {
        throw new ConfigError(
          `${where}: Default List Overrides are not allowed in the subtree of an interpolated config group (override ${key}=${String(entry.option)}):` +
            ` every group is chosen by the time an interpolated entry is expanded`,
        );
      }
      if (!this.overrides.has(key)) this.overrides.set(key, { option: entry.option, from: where, input: '', used: false });
    }
  }

  private expandGroupEntry(entry: GroupEntry, parent: DefaultsNode, groupDir: string, where: string, stack: string[], interpolated: boolean): DefaultsNode[] {
    const { group, key } = this.placement(entry, parent, groupDir);
    const removal = this.removals.get(key);
    if (removal && (removal.option === null || removal.option === entry.option)) {
      removal.used = true;
      return [];
    }
    const override = this.overrides.get(key);
    if (override) override.used = true;
    const option = override ? override.option : entry.option;
    const from = override ? override.from : entry.external ? null : where;
    this.checkChosenOnce(key, option, entry.external ? null : where);
    if (!Array.isArray(option) && !(key in this.runtimeChoices)) this.runtimeChoices[key] = option;
    if (option === null) {
      this.choices[key] = null;
      return [];
    }
    const options = Array.isArray(option) ? option : [option];
    if (options.some((name) => name.includes('${'))) {
      throw new ConfigError(`In '${where}': Defaults List interpolation is not supported in options list items (${key}: [${options.join(', ')}])`);
    }
    if (options.includes('???')) {
      if (this.skipMissing) return [];
      throw new ConfigError(`You must specify '${key}', e.g. ${key}=<OPTION>. Available options in '${group}': ${this.repository.groupOptions(group).join(', ')}`);
    }
    const nodes: DefaultsNode[] = [];
    for (const name of [...options].reverse()) {
      const loaded = loadConfig(this.repository, `${group}/${name}`) ?? (isBuiltinOption(group, name) ? virtualConfig(`${group}/${name}`, null) : null);
      if (!loaded) {
        if (entry.optional && !override) continue;
        throw this.missingOption(group, name, from);
      }
      const pkg = this.placement(entry, parent, groupDir, name, loaded.packageHeader).package;
      nodes.push(this.expand({ configPath: `${group}/${name}`, package: pkg, loaded, choice: { key, option: name }, groupPath: group, children: [] }, false, stack, interpolated));
    }
    if (nodes.length > 0) this.choices[key] = Array.isArray(option) ? `[${option.join(',')}]` : option;
    return nodes.reverse();
  }

  /**
   * Hydra's rule: a group (at one package) is chosen once. The entry met first is the later one in
   * list order (lists expand back to front), so it is the option to keep; `from` is null for `+group=`.
   */
  private checkChosenOnce(key: string, option: string | string[] | null, from: string | null): void {
    const text = Array.isArray(option) ? `[${option.join(', ')}]` : option;
    const seen = this.chosen.get(key);
    if (seen === undefined) {
      this.chosen.set(key, { option: text, from });
      if (!Array.isArray(option)) this.known.set(key, option);
      return;
    }
    const place = from ?? seen.from;
    const prefix = place ? `In '${place}': ` : '';
    if (seen.option !== text) {
      const cli = seen.from === null ? `, or on the command line ${key}=${String(seen.option)} (without +)` : '';
      throw new ConfigError(`${prefix}Multiple values for ${key}. To override a value use 'override ${key}: ${String(seen.option)}'${cli}`);
    }
    if (text !== null) {
      throw new ConfigError(`${prefix}${key} appears more than once in the final defaults list (${key}: ${text}); remove one of the entries`);
    }
  }

  private expandConfigEntry(entry: Extract<DefaultEntry, { kind: 'config' }>, parent: DefaultsNode, groupDir: string, where: string, stack: string[], interpolated: boolean): DefaultsNode {
    const configPath = entry.absolute ? entry.path : path.posix.join(groupDir, entry.path);
    const loaded = loadConfig(this.repository, configPath);
    if (!loaded) throw new ConfigError(`In '${where}': could not load '${configPath}': ${inSearchPath(this.repository, configPath)}.yaml does not exist`);
    const relDir = path.posix.dirname(entry.path) === '.' ? '' : path.posix.dirname(entry.path);
    const name = path.posix.basename(configPath);
    let pkg: string;
    if (entry.package !== null) pkg = joinPackage(parent.package, keywords(entry.package, relDir, name));
    else if (loaded.packageHeader !== null) pkg = joinPackage('', keywords(loaded.packageHeader, path.posix.dirname(configPath), name));
    else pkg = joinPackage(parent.package, relDir.replaceAll('/', '.'));
    return this.expand({ configPath, package: pkg, loaded, choice: null, children: [] }, false, stack, interpolated);
  }

  /** Absolute group, override key and final package of a group entry, as Hydra computes them. */
  private placement(entry: GroupEntry, parent: DefaultsNode, groupDir: string, option?: string, header?: string | null) {
    const dir = groupDir === '.' ? '' : groupDir;
    const group = entry.absolute || entry.external ? entry.group : path.posix.join(dir, entry.group);
    const defaultPackage = joinPackage(parent.package, entry.group.replaceAll('/', '.'));
    const name = option ?? (typeof entry.option === 'string' ? entry.option : '');
    const listed = entry.package === null ? null : joinPackage(parent.package, keywords(entry.package, entry.group, name));
    const key = listed !== null && listed !== defaultPackage ? `${group}@${listed === '' ? '_global_' : listed}` : group;
    let pkg = listed ?? defaultPackage;
    if (listed === null && header) pkg = joinPackage('', keywords(header, group, name));
    return { group, key, package: pkg };
  }

  private missingOption(group: string, option: string, from: string | null): ConfigError {
    const prefix = from ? `In '${from}': ` : '';
    const builtin = HYDRA_GROUPS[group]?.options ?? [];
    if (!this.repository.isGroup(group) && builtin.length === 0) {
      return new ConfigError(`${prefix}Could not find '${group}/${option}': there is no config group '${group}' in ${inSearchPath(this.repository, '')}`);
    }
    const options = [...new Set([...this.repository.groupOptions(group), ...builtin])].sort();
    // short names (2m, h3) differ by one character on purpose: only a case slip counts there
    const near = nearest(option, options, { budget: () => (option.length <= 3 ? 0 : Math.max(1, Math.floor(option.length / 3))) });
    const hint = near.length ? ` Did you mean ${near.map((o) => `${group}=${o}`).join(' or ')}?` : '';
    return new ConfigError(`${prefix}Could not find '${group}/${option}'.${hint} Available options in '${group}': ${options.join(', ')}`);
  }
}

/** The group a node's relative defaults entries are relative to ('' for the top level); see DefaultsNode.groupPath. */
function groupPathOf(node: DefaultsNode): string {
  if (node.groupPath !== undefined) return node.groupPath;
  const dir = path.posix.dirname(node.configPath);
  return dir === '.' ? '' : dir;
}

/** Where `configPath` would be in each source of the search path, e.g. `/p/conf/model/x` (for messages). */
function inSearchPath(repository: ConfigRepository, configPath: string): string {
  return repository.sources.map((source) => path.join(source.dir, configPath)).join(' or ');
}

/** Joins a package to its parent's; anything up to the last `_global_` is dropped (absolute). */
export function joinPackage(parent: string, pkg: string): string {
  const full = parent === '' ? pkg : pkg === '' ? parent : `${parent}.${pkg}`;
  const at = full.lastIndexOf('_global_');
  return at < 0 ? full : full.slice(at + '_global_'.length + 1);
}

function keywords(pkg: string, group: string, name: string): string {
  if (pkg === '_here_') return '';
  return pkg.replaceAll('_group_', group.replaceAll('/', '.')).replaceAll('_name_', name);
}

/** The files of a defaults tree in merge order (each config's own keys where its `_self_` is). */
export function mergeOrder(node: DefaultsNode, out: DefaultsResult['sequence'] = []): DefaultsResult['sequence'] {
  for (const child of node.children) {
    if (child === 'self') out.push({ configPath: node.configPath, package: node.package, loaded: node.loaded });
    else mergeOrder(child, out);
  }
  return out;
}
