import { nearest } from '../suggest.js';

/** What `npx run` was asked to do, parsed from argv (Hydra's flags). */
export interface RunArgs {
  cfg: 'job' | 'hydra' | 'all' | null;
  resolve: boolean;
  /** Limit --cfg output to one package, e.g. `-p trainer`. */
  package: string | null;
  info: boolean;
  help: boolean;
  /** --version, -V: print Ladder's version. */
  version: boolean;
  multirun: boolean;
  /** --dry-run: list the jobs (composed and validated), run nothing. */
  dryRun: boolean;
  /** --json: one JSON object per job (dry-run listing or outcomes). */
  json: boolean;
  /** --zip a,b (repeatable): keys whose sweep values pair up element-wise. */
  zip: string[][];
  configDir: string | null;
  configName: string | null;
  /** --no-cache: measure or build again what a job would take from a cache (the batch-size search, the engine's step). */
  noCache: boolean;
  /** --resume DIR: a run folder's job again from its last checkpoint, or the rest of a sweep folder's jobs. */
  resume: string | null;
  /** --new: start a sweep even though one with the same jobs exists. */
  new: boolean;
  /** --max-failures N: start no further job once N jobs have failed. */
  maxFailures: number | null;
  overrides: string[];
}

export class UsageError extends Error {}

const VALUE_FLAGS: Record<string, 'cfg' | 'package' | 'configDir' | 'configName' | 'resume'> = {
  '--resume': 'resume',
  '--cfg': 'cfg',
  '-c': 'cfg',
  '--package': 'package',
  '-p': 'package',
  '--config-dir': 'configDir',
  '-cd': 'configDir',
  '--config-name': 'configName',
  '-cn': 'configName',
};

/** Every flag `npx run` knows (for "did you mean" and shell completion). */
export const FLAGS = [
  ...Object.keys(VALUE_FLAGS), '--resolve', '--info', '-i', '--help', '-h', '--version', '-V',
  '--multirun', '-m', '--dry-run', '--json', '--zip', '--no-cache', '--new', '--max-failures', '--shell-completion',
];

export function parseRunArgs(argv: string[]): RunArgs {
  const args: RunArgs = {
    cfg: null, resolve: false, package: null, info: false, help: false, version: false, multirun: false,
    dryRun: false, json: false, noCache: false, zip: [], configDir: null, configName: null, resume: null, new: false, maxFailures: null, overrides: [],
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const eq = arg.startsWith('-') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const field = VALUE_FLAGS[flag];
    if (field) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      if (field === 'cfg') {
        if (value !== 'job' && value !== 'hydra' && value !== 'all') throw new UsageError(`--cfg takes 'job', 'hydra' or 'all', got '${value}'`);
        args.cfg = value;
      } else {
        args[field] = value;
      }
    } else if (arg === '--resolve') args.resolve = true;
    else if (arg === '--info' || arg === '-i') args.info = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg === '--multirun' || arg === '-m') args.multirun = true;
    else if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--no-cache') args.noCache = true;
    else if (arg === '--new') args.new = true;
    else if (flag === '--max-failures') {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (!/^[1-9]\d*$/.test(value ?? '')) throw new UsageError(`--max-failures takes a whole number of failed jobs, 1 or more (1: stop at the first failure), got '${value ?? ''}'`);
      args.maxFailures = Number(value);
    }
    else if (flag === '--zip') {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      const keys = (value ?? '').split(',').map((k) => k.trim()).filter(Boolean);
      if (keys.length < 2) throw new UsageError('--zip needs two or more comma-separated keys, e.g. --zip budget,horizon');
      args.zip.push(keys);
    }
    else if (arg.startsWith('-') && !/^-\d/.test(arg)) {
      const near = nearest(flag, FLAGS.filter((f) => f.startsWith('--')), { limit: 1 });
      throw new UsageError(`unknown flag '${arg}'.${near.length ? ` Did you mean '${near[0]}'?` : ''} See npx run --help`);
    }
    else args.overrides.push(arg);
  }
  return args;
}

export const USAGE = `Usage: npx run [flags] [overrides...]

Compose conf/config.yaml with command-line overrides (Hydra 1.3 grammar) and run the job.

Overrides:
  group=option          choose a config group option       model=patchtst budget=2b horizon=h3
  key=value             change a value                      trainer.lr=3e-4 trainer.betas=[0.9,0.95]
  +key=value            add a key that is not in the config +group=option adds a group
  ++key=value           add or change                       ++trainer.seed=7
  ~key  ~group          delete a key or a group entry       ~trainer.max_steps
  group@pkg=option      choose the option of a group placed at another package
  a,b  choice() range() glob()   sweeps (need --multirun)  budget=2m,20m horizon=glob(h*)

Flags:
  --cfg job|hydra|all   print the composed config as YAML and exit (-c): hydra prints a Hydra
                        project's hydra node, all adds the ladder: section (and hydra:)
  --resolve             resolve \${...} interpolations when printing with --cfg
  --package, -p PKG     with --cfg: print only this package, e.g. -p trainer
  --info, -i            show config groups and their options, the search path and the defaults tree
  --config-dir, -cd DIR config folder (default: conf, or "configDir" in package.json "ladder")
  --config-name, -cn N  primary config name (default: config)
  --multirun, -m        run every combination of the sweeps (Hydra order: the last key varies fastest)
  --resume DIR          a run folder: continue its job from its last checkpoint (its overrides, then yours);
                        a sweep folder: run the rest of its jobs (completed ones are kept, interrupted
                        ones continue from their checkpoints, failed and lost ones run again)
  --new                 with -m: start a new sweep even if one with the same jobs exists
  --max-failures N      with -m: start no further job once N jobs have failed (1: fail fast)
  --zip KEY,KEY         with -m: pair these keys' values element-wise instead of crossing them
                        (repeatable); the zip as a whole takes part in the product
  --dry-run             compose and validate every job, list them and their count, run nothing
  --json                one JSON object per job (with --dry-run: the job list; else the outcomes)
  --no-cache            search trainer.batch_size=auto again and build the training step afresh
                        instead of reusing cached ones (sets LADDER_NO_CACHE=1 for the jobs)
  --shell-completion install=bash|zsh|fish
                        print a completion script: eval "$(npx run --shell-completion install=bash)"
  --version, -V         print Ladder's version
  --help, -h            this text

Examples:
  npx run --cfg job model=patchtst budget=2b horizon=h3
  npx run --cfg job --resolve trainer=smoke trainer.batch_size=64
  npx run --info
  npx run --multirun budget=2m,20m,200m,2b horizon=h1,h3
  npx run -m budget=2m,20m,200m horizon=h1,h3,h5 --zip budget,horizon     (3 jobs)
  npx run -m sweep=scaling --dry-run                   (preset conf/sweep/scaling.yaml: 16 jobs)
  npx run -m task=echo budget=2m,20m                  (demo task: try progress, Ctrl-C, npx runs)

Set LADDER_FULL_ERROR=1 to see a stack trace with an error.`;
