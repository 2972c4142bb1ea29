// Replays the shared Hydra conformance fixture (../shared/hydra-trees, read where it lies: other
// projects' files, never copied here): each command line is composed by Ladder and compared with
// what Hydra 1.3.2 composed (`--cfg job`, key order included), each multirun's job list with
// Hydra's, each error with Hydra's message. Cases that need what Ladder does not have yet are known
// gaps: they run as expected failures, so fixing one turns this file red until it leaves the list.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeTree, runtimeNode } from '../../../runner/compose/compose.js';
import { resolveConfig, resolveWithProvenance } from '../../../runner/compose/interpolate.js';
import type { ConfigDict } from '../../../runner/compose/types.js';
import { OverrideParseError, pyTypeOf } from '../../../runner/overrides/index.js';
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
  /** Dotted key (list items `key[i]`) → Python type name; one map per job for a multirun. */
  types?: Record<string, string> | Record<string, string>[];
  /** Top-level key → Python type of the key where it is no str (yaml11-keys). */
  key_types?: Record<string, string>;
  /** `--cfg job --resolve` where it differs from the job config, and its types. */
  resolved?: ConfigDict;
  resolved_types?: Record<string, string>;
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

// Known gaps, by case id → the reason (none today: every case passes, or is env_dependent).
const gaps: Record<string, string> = {};

/**
 * JSON text of a config as the fixture writes it: inf and nan as {"$float": ...}. JSON cannot tell
 * 1.0 from 1, so the types are compared separately (typesAt).
 */
function fixtureJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' } : v,
  );
}

/** The Python type Ladder's composed value has at each key the case lists (int vs float vs str vs bool...). */
function typesAt(config: ConfigDict, keys: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(keys)) {
    let node: unknown = config;
    // a top-level key may hold a dot itself (yaml11-keys: `1.5:`)
    const segments = Object.hasOwn(config, key) ? [key] : key.replace(/\[(\d+)\]/g, '.$1').split('.');
    for (const segment of segments) node = (node as Record<string, unknown> | undefined)?.[segment];
    out[key] = node === undefined ? 'missing' : pyTypeOf(node);
  }
  return out;
}

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
    // Ladder's one-line message, or the Hydra text an override error keeps beside it (LexerNoViableAltException)
    let thrown: unknown = null;
    try {
      if (c.multirun) planSweep(c.args, { configDir, configName }).jobs.map(composed);
      else composed(c.args);
    } catch (error) {
      thrown = error;
    }
    const cause = (thrown as { cause?: unknown } | null)?.cause;
    const texts = [(thrown as Error | null)?.message, cause instanceof OverrideParseError ? cause.hydraMessage : undefined];
    expect(texts.join('\n')).toContain(want.message_contains);
  } else if (want.job_configs) {
    const jobs = planSweep(c.args, { configDir, configName }).jobs;
    expect(jobs).toEqual(want.job_overrides);
    const configs = jobs.map(composed);
    expect(fixtureJson(configs)).toBe(fixtureJson(want.job_configs));
    const types = (c.types ?? []) as Record<string, string>[];
    types.forEach((keys, i) => expect(typesAt(configs[i]!, keys), `job ${i}`).toEqual(keys));
  } else {
    // JSON text: values and key order (Hydra's output order), then the Python type of each listed key
    const config = composed(c.args);
    expect(fixtureJson(config)).toBe(fixtureJson(want.job_config));
    if (c.types) expect(typesAt(config, c.types as Record<string, string>)).toEqual(c.types);
    if (c.resolved) {
      const resolved = resolveConfig(config);
      expect(fixtureJson(resolved)).toBe(fixtureJson(c.resolved));
      expect(typesAt(resolved, c.resolved_types!)).toEqual(c.resolved_types);
    }
    // Where Ladder differs on purpose: a JavaScript object's keys are strings, so a YAML 1.1 key that
    // OmegaConf holds as a bool, int or float (`on:` → True, `2:`, `1.5:`) is held as its str() form
    // (`true`, `2`, `1.5`), the form the fixture's JSON writes too; the key's type is not kept
    // (docs/configuration.md). Each such key must be there in that form.
    if (c.key_types) expect(Object.keys(config)).toEqual(expect.arrayContaining(Object.keys(c.key_types)));
  }
  if (c.resolved_with_runtime && c.runtime) {
    // ${hydra:runtime.cwd} is the working dir, ${hydra:runtime.output_dir} null (no run yet), ${oc.env:...} from `env`
    const tree = composeTree({ configDir, configName, overrides: c.args });
    const hydra = runtimeNode(tree, { cwd: c.runtime.cwd });
    expect(fixtureJson(resolveWithProvenance(tree.config, { hydra, env: c.runtime.env }).config)).toBe(fixtureJson(c.resolved_with_runtime));
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
