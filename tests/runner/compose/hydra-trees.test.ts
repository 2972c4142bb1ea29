// Replays the shared Hydra conformance fixture (../shared/hydra-trees, read where it lies: other
// projects' files, never copied here): each command line is composed by Ladder and compared with
// what Hydra 1.3.2 composed (`--cfg job`, key order included), each multirun's job list with
// Hydra's, each error with Hydra's message. Cases that need what Ladder does not have yet are known
// gaps: they run as expected failures, so fixing one turns this file red until it leaves the list.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeTree, runtimeNode } from '../../../runner/compose/compose.js';
import { resolveWithProvenance } from '../../../runner/compose/interpolate.js';
import type { ConfigDict } from '../../../runner/compose/types.js';
import { planSweep } from '../../../sweeps/index.js';

interface Case {
  id: string;
  tree: string;
  config_name: string;
  args: string[];
  multirun: boolean;
  env_dependent?: boolean;
  /** Folders under trees/ that were on PYTHONPATH (where pkg:// search-path entries are found). */
  pythonpath?: string[];
  note?: string;
  expect: { job_config?: ConfigDict; job_configs?: ConfigDict[]; job_overrides?: string[][]; error?: true; message_contains?: string };
  /** `--cfg job --resolve` with the working dir and environment in `runtime` (lht-train-resolve). */
  resolved_with_runtime?: ConfigDict;
  runtime?: { cwd: string; env: Record<string, string> };
}

/** `shared/hydra-trees` in the first folder above the repository that has one (CI: beside the clone). */
function findFixture(): string | null {
  for (let dir = path.resolve('..'); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'hydra-trees');
    if (fs.existsSync(path.join(candidate, 'cases.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

const LHT_YAML11 = 'composes, but data/mnist.yaml has `train_val_test_split: [55_000, 5_000, 10_000]`, ints in YAML 1.1 (issue 16, yaml16)';
const YAML11 = 'YAML 1.1 scalars as OmegaConf reads them (55_000, 1.0 as a float, yes/on, octal, sexagesimal) (issue 16)';
const gaps: Record<string, string> = {
  ...Object.fromEntries(
    [
      'lht-train', 'lht-train-experiment-example', 'lht-train-debug-default', 'lht-train-debug-fdr',
      'lht-train-trainer-gpu-precision16', 'lht-train-max-epochs-lr', 'lht-train-many-loggers',
      'lht-train-ddp-devices-nodes', 'lht-train-tags-list', 'lht-train-append-new-param', 'lht-train-debug-overfit',
      'lht-train-debug-profiler-mps-wandb', 'lht-train-callbacks-none-ddp-sim', 'lht-eval-ckpt-path', 'lht-eval-ckpt-path-x',
      'lht-train-hparams-search-example', 'lht-train-m-experiment-glob', 'lht-train-m-batch-size-tags',
      'lht-train-m-batch-size', 'lht-train-m-seeds', 'lht-train-resolve',
    ].map((id) => [id, LHT_YAML11]),
  ),
  ...Object.fromEntries(
    [
      'yaml11-scalars', 'yaml11-cli-override-existing', 'yaml11-cli-append', 'yaml11-cli-tilde-error',
      'yaml11-group-option-float-error', 'yaml11-overlay-ints-over-floats', 'yaml11-keys', 'yaml11-interp',
      'yaml11-duplicate-key-error', 'yaml11-defaults-bool-option-error', 'yaml11-m-float-int-str',
    ].map((id) => [id, YAML11]),
  ),
};

function replay(root: string, c: Case): void {
  const saved = process.env.PYTHONPATH;
  if (c.pythonpath) process.env.PYTHONPATH = c.pythonpath.map((dir) => path.join(root, 'trees', dir)).join(path.delimiter);
  else delete process.env.PYTHONPATH;
  try {
    compare(root, c);
  } finally {
    if (saved === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = saved;
  }
}

function compare(root: string, c: Case): void {
  const configDir = path.join(root, 'trees', c.tree);
  const configName = c.config_name;
  const composed = (overrides: string[]) => composeTree({ configDir, configName, overrides }).config;
  const { expect: want } = c;
  if (want.error) {
    expect(() => (c.multirun ? planSweep(c.args, { configDir, configName }).jobs.map(composed) : composed(c.args))).toThrow(want.message_contains);
  } else if (want.job_configs) {
    const jobs = planSweep(c.args, { configDir, configName }).jobs;
    expect(jobs).toEqual(want.job_overrides);
    expect(JSON.stringify(jobs.map(composed))).toBe(JSON.stringify(want.job_configs));
  } else {
    // JSON text: values and key order (Hydra's output order)
    expect(JSON.stringify(composed(c.args))).toBe(JSON.stringify(want.job_config));
  }
  if (c.resolved_with_runtime && c.runtime) {
    // ${hydra:runtime.cwd} is the working dir, ${hydra:runtime.output_dir} null (no run yet), ${oc.env:...} from `env`
    const tree = composeTree({ configDir, configName, overrides: c.args });
    const hydra = runtimeNode(tree, { cwd: c.runtime.cwd });
    expect(JSON.stringify(resolveWithProvenance(tree.config, { hydra, env: c.runtime.env }).config)).toBe(JSON.stringify(c.resolved_with_runtime));
  }
}

const root = findFixture();
describe.skipIf(root === null)('Hydra 1.3.2 conformance trees (../shared/hydra-trees; skipped when absent)', () => {
  const cases = root === null ? [] : (JSON.parse(fs.readFileSync(path.join(root, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

  it('lists only cases that exist as known gaps', () => {
    const ids = new Set(cases.map((c) => c.id));
    expect(Object.keys(gaps).filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const c of cases) {
    if (c.env_dependent) it.skip(`${c.id}: depends on the environment (${c.note ?? ''})`, () => {});
    else if (gaps[c.id]) it.fails(`${c.id}: known gap, ${gaps[c.id]}`, () => replay(root!, c));
    else it(`${c.id}: ${c.multirun ? '-m ' : ''}${c.args.join(' ')}`, () => replay(root!, c));
  }
});
