import path from 'node:path';
import { configRepository } from '../config/index.js';
import { LAUNCHER_MAP, SWEEPER_MAP, withoutEquivalent, type ComposedTree, type ConfigDict, type DefaultsNode } from '../compose/index.js';

/** `npx run --info`: search path, groups and options, defaults tree and merge order. */
export function renderInfo(tree: ComposedTree, cwd: string): string {
  const lines: string[] = [];
  lines.push('Config search path (first match wins)');
  for (const source of tree.searchPath) lines.push(`  ${path.relative(cwd, source.dir) || '.'}  (${source.dir})  provider=${source.provider}`);
  lines.push('');
  lines.push('Config groups (options)');
  const repository = configRepository(tree.searchPath);
  for (const group of repository.groups()) {
    const options = repository.groupOptions(group);
    const chosen = tree.choices[group];
    const marked = options.map((o) => (o === chosen ? `[${o}]` : o));
    lines.push(`  ${group}: ${marked.join(', ') || '(no options)'}`);
  }
  lines.push('', 'Defaults tree');
  renderNode(tree.defaults, 1, lines);
  lines.push('', 'Defaults list (merge order: config -> package)');
  collectSelf(tree.defaults, lines);
  if (tree.hydra.used) lines.push('', ...renderHydra(tree));
  return lines.join('\n');
}

/** A Hydra project's hydra node: what each part maps to in Ladder, and (once) what has no equivalent. */
function renderHydra(tree: ComposedTree): string[] {
  const lines = ['Hydra node (kept out of the job config; what Ladder does with it)'];
  const { config, choices } = tree.hydra;
  const section = (key: string): ConfigDict => (config[key] !== null && typeof config[key] === 'object' && !Array.isArray(config[key]) ? (config[key] as ConfigDict) : {});
  const launcher = choices['hydra/launcher'];
  if (launcher) lines.push(`  hydra/launcher: ${launcher} -> ${LAUNCHER_MAP[launcher] ? `launcher ${LAUNCHER_MAP[launcher]}` : 'no equivalent (the local launcher)'}`);
  const sweeper = choices['hydra/sweeper'];
  const sweeperTo = sweeper === 'optuna'
    ? 'sweeper=tpe: one study per cell of the command line\'s sweeps over hydra.sweeper.params (its n_trials, sampler.seed, direction, n_jobs)'
    : SWEEPER_MAP[sweeper ?? ''] ? `the ${SWEEPER_MAP[sweeper!]} sweeper` : 'no equivalent (a grid)';
  if (sweeper) lines.push(`  hydra/sweeper: ${sweeper} -> ${sweeperTo}`);
  const run = section('run');
  const sweep = section('sweep');
  const job = section('job');
  if (run.dir !== undefined) lines.push(`  hydra.run.dir: ${String(run.dir)} -> the run folder (inside the outputs dir)`);
  if (sweep.dir !== undefined) lines.push(`  hydra.sweep.dir: ${String(sweep.dir)} -> the sweep folder (inside the outputs dir)`);
  if (sweep.subdir !== undefined) lines.push(`  hydra.sweep.subdir: ${String(sweep.subdir)} -> each job's folder in the sweep folder`);
  lines.push(`  hydra.job.name: ${String(job.name ?? tree.configName)} -> \${hydra:job.name}`);
  if (job.chdir !== undefined) lines.push(`  hydra.job.chdir: ${String(job.chdir)} -> ${job.chdir === true ? 'the task runs in its run folder' : 'the task runs in the working directory'}`);
  if (config.searchpath !== undefined) lines.push(`  hydra.searchpath: ${JSON.stringify(config.searchpath)} -> the config search path (above)`);
  const params = section('sweeper').params;
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    lines.push(`  hydra.sweeper.params -> ${sweeper === 'optuna' ? 'the search space of each study' : 'the sweep axes of -m'}: ${Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  }
  const ignored = withoutEquivalent(tree.hydra);
  if (ignored.length) lines.push('', 'No Ladder equivalent (accepted and ignored)', ...ignored.map((line) => `  ${line}`));
  return lines;
}

function renderNode(node: DefaultsNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const label = node.choice ? `${node.choice.key}: ${node.choice.option}` : node.configPath;
  const nested = node.children.length > 1;
  lines.push(`${indent}${label}${nested ? ':' : ''}`);
  if (!nested) return;
  for (const child of node.children) {
    if (child === 'self') lines.push(`${indent}  _self_`);
    else renderNode(child, depth + 1, lines);
  }
}

function collectSelf(node: DefaultsNode, lines: string[]): void {
  for (const child of node.children) {
    if (child === 'self') lines.push(`  ${node.configPath} -> ${node.package || '<root>'}`);
    else collectSelf(child, lines);
  }
}
