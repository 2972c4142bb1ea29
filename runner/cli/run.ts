import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettings } from '../config/settings.js';
import { stringifyConfig } from '../yaml/index.js';
import {
  coerceInterpolated, compose, composeTree, ConfigError, isDict, keyOrigin, resolveHydraValue, resolveWithProvenance, runtimeNode, validateComposed, type ConfigDict, type ConfigValue,
} from '../compose/index.js';
import { ConfigOverrideError, isSweep, OverrideParseError, parseOverride } from '../overrides/index.js';
import { runLaunchCommand } from './launch.js';
import '../tasks/builtin.js';
import { parseRunArgs, UsageError, USAGE, type RunArgs } from './args.js';
import { renderInfo } from './info.js';
import { tolerateClosedStdout } from './pipe.js';
import { checkResumedModel, resumeOverrides, sweepFolder } from './resume.js';
import { versionLine } from './version.js';

export interface RunIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

/** `npx run`: compose, validate and (from issue 3 on) launch. Returns the exit code. */
export async function main(argv: string[], io: RunIO = defaultIO()): Promise<number> {
  try {
    if (argv.some((a) => a === '--shell-completion' || a === '-sc' || a.startsWith('--shell-completion='))) {
      const settings = loadSettings(io.cwd);
      const { shellCompletion } = await import('./completion.js');
      io.stdout.write(shellCompletion(argv, settings.configDir, settings.configName, process.argv[1] ?? 'bin/run.js'));
      return 0;
    }
    const args = parseRunArgs(argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (args.version) {
      io.stdout.write(versionLine());
      return 0;
    }
    const settings = loadSettings(io.cwd);
    const configDir = args.configDir ? path.resolve(io.cwd, args.configDir) : settings.configDir;
    const configName = args.configName ?? settings.configName;
    if (args.info) {
      const tree = composeTree({ configDir, configName, overrides: args.overrides });
      io.stdout.write(`${renderInfo(tree, io.cwd)}\n`);
      return 0;
    }
    if (args.cfg) {
      io.stdout.write(printConfig(args, configDir, configName, settings, io.cwd));
      return 0;
    }
    const { multirun, zip, dryRun, json } = args;
    const { outputsDir, indexPath, runDir, sweepDir } = settings;
    const patterns = { run: runDir, sweep: sweepDir };
    // the jobs (in this process or started from it) read it: trainer.batch_size=auto skips its cache
    const restore = args.noCache ? withEnv('LADDER_NO_CACHE', '1') : () => {};
    try {
      const policy = { new: args.new, maxFailures: args.maxFailures };
      const sweep = args.resume ? sweepFolder(args.resume, io.cwd, args.overrides) : null;
      if (sweep) {
        return await runLaunchCommand({ overrides: args.overrides, multirun: true, zip: [], dryRun, json, configDir, configName, outputsDir, indexPath, patterns, resumeSweep: sweep, ...policy }, compose, io);
      }
      if (args.resume && multirun) throw new UsageError('--resume of a run folder continues one run: drop --multirun (a sweep folder, with multirun.yaml, resumes the whole sweep)');
      const overrides = args.resume ? resumeOverrides(args.resume, io.cwd, args.overrides, io.stderr) : args.overrides;
      if (args.resume && overrides.some((o) => o.startsWith('trainer.resume='))) {
        checkResumedModel(args.resume, io.cwd, (compose({ configDir, configName, overrides }).config as { model?: unknown }).model);
      }
      return await runLaunchCommand({ overrides, multirun, zip, dryRun, json, configDir, configName, outputsDir, indexPath, patterns, ...policy }, compose, io);
    } finally {
      restore();
    }
  } catch (error) {
    return reportError(error, io);
  }
}

/** Sets an environment variable of this process (children inherit it); returns what puts it back. */
function withEnv(name: string, value: string): () => void {
  const before = process.env[name];
  process.env[name] = value;
  return () => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  };
}

/** `--cfg job|all`: unresolved unless --resolve (as Hydra), but always checked so mistakes show. */
function printConfig(args: RunArgs, configDir: string, configName: string, settings: ReturnType<typeof loadSettings>, cwd: string): string {
  const sweep = args.overrides.find((text) => {
    try {
      return isSweep(parseOverride(text));
    } catch {
      return false; // composing reports the syntax error
    }
  });
  if (sweep && args.multirun) {
    throw new UsageError(
      `--cfg prints the config of one job, and '${sweep}' is a sweep: give it one value to see that job's config, ` +
        `or list the jobs with npx run -m ${args.overrides.join(' ')} --dry-run`,
    );
  }
  const tree = composeTree({ configDir, configName, overrides: args.overrides });
  const node = runtimeNode(tree, { multirun: args.multirun });
  // unresolved printing (Hydra's default) takes resolvers Ladder does not know, e.g. an app's ${eval:...}
  const origin = keyOrigin(tree);
  const { config: resolved, strings } = resolveWithProvenance(tree.config, { allowMissing: true, unknownAsMissing: !args.resolve, hydra: node, origin });
  coerceInterpolated(resolved, strings, tree.schemas);
  validateComposed(resolved, tree.schemas, { skipMissing: true, origin });
  let config: ConfigDict = args.resolve ? resolved : tree.config;
  const hydra: ConfigDict = { hydra: args.resolve ? resolveHydraNode(tree.config, node) : node };
  if (args.cfg === 'hydra') config = hydra;
  if (args.cfg === 'all') {
    const ladder: ConfigDict = {
      settings: {
        config_dir: configDir,
        config_name: configName,
        outputs_dir: settings.outputsDir,
        index_path: settings.indexPath,
        source: settings.source,
      },
      runtime: { choices: tree.choices, cwd },
      overrides: { task: tree.overrides },
      mode: args.multirun ? 'MULTIRUN' : 'RUN',
    };
    config = { ladder, ...(tree.hydra.used ? hydra : {}), ...config };
  }
  // the launcher and the sweeper say how jobs run and are chosen: like Hydra's hydra.launcher and
  // hydra.sweeper, in `--cfg all` but not in the job's config
  const top = args.package?.split('.')[0];
  if (args.cfg === 'job') config = Object.fromEntries(Object.entries(config).filter(([key]) => !['launcher', 'sweeper'].includes(key) || key === top));
  const selected = args.package ? pick(config, args.package) : config;
  const body = selected === null || typeof selected !== 'object' ? `${String(selected)}\n` : stringifyConfig(selected, { lineWidth: 0 });
  return args.package ? `# @package ${args.package}\n${body}` : body;
}

/** The hydra node with every value resolved that can be (the rest, e.g. a Python resolver's, stays as written). */
function resolveHydraNode(job: ConfigDict, node: ConfigDict): ConfigDict {
  const out: ConfigDict = {};
  const walk = (value: ConfigValue, key: string): ConfigValue => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${key}.${k}`)]));
    }
    try {
      return resolveHydraValue(job, node, key, { allowMissing: true });
    } catch {
      return value;
    }
  };
  for (const [key, value] of Object.entries(node)) out[key] = walk(value, key);
  return out;
}

function pick(config: ConfigDict, pkg: string): ConfigValue {
  let node: ConfigValue = config;
  for (const key of pkg.split('.')) {
    if (!isDict(node) || !(key in node)) {
      throw new ConfigError(`--package: '${pkg}' is not in the composed config (top-level keys: ${Object.keys(config).join(', ')})`);
    }
    node = node[key]!;
  }
  return node;
}

function reportError(error: unknown, io: RunIO): number {
  const full = io.env.LADDER_FULL_ERROR === '1';
  const known = error instanceof ConfigError || error instanceof UsageError || error instanceof OverrideParseError || error instanceof ConfigOverrideError;
  if (known) {
    io.stderr.write(`Error: ${error.message}\n`);
  } else {
    io.stderr.write(`Error: ${(error as Error)?.message ?? String(error)}\n`);
    if (!full) io.stderr.write('This looks like a bug in ladder. Set LADDER_FULL_ERROR=1 for a stack trace.\n');
  }
  if (full && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return known ? 2 : 1;
}

function defaultIO(): RunIO {
  tolerateClosedStdout(); // a running job goes on and still records its end when the reader has gone
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

// `npx tsx runner/cli/run.ts ...` runs it directly; bin/run.js imports it and calls main itself.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exitCode = await main(process.argv.slice(2));
