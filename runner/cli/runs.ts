// `npx runs`: inspect results through the SQLite index (ls, show, sql) and rebuild it (reindex).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { formatTable, TextTable } from '../progress/format.js'; // not the folder index: that loads listr2, which runs never draws
import { tolerateClosedStdout } from './pipe.js';
import { versionLine } from './version.js';
// The read side of tracking only, not its folder index: reindex (run folders, YAML) loads when asked for,
// so that `runs ls/show/sql` start in the time Node takes plus SQLite's.
import { IndexError, migrateIndex, openIndexReadOnly } from '../tracking/db.js';
import { findRun, listRuns, runMetrics, runningInIndex, runSql, type Row } from '../tracking/queries.js';

export interface RunsIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

export const RUNS_USAGE = `Usage: npx runs <command> [options]

Commands:
  ls [key=value ...]     list runs, filtered by run_summary columns or config keys
                         e.g. runs ls budget=2m status=failed   runs ls trainer.lr=0.0008 task!=train
  show <id|dir>          one run: status, reason, overrides, info, metrics (id prefix or run folder)
  sql "<SELECT ...>"     any read-only query; tables sweeps, runs, params, metrics,
                         run_summary, metric_summary. Writes are refused.
  reindex                rebuild the index from the run folders (they are the source of truth);
                         runs left "running" by a killed process are marked interrupted or lost
                         (every command closes those the index lists, on this host)
  migrate                upgrade an index written by an older ladder (read commands never change it)
  study [<id>]           the studies of sweeper=tpe|random sweeps; with an id (or prefix): its
                         trials table and best trial; --export FILE writes the best parameters
                         as a config: runs study <id> --export conf/best/NAME.yaml, then +best=NAME
  compare <id> <id> ...  config keys that differ and the final metrics, side by side (ids as for show)
  export mlflow DIR      every run in MLflow's file-store layout: mlflow ui --backend-store-uri DIR
  export csv|parquet FILE [--sql "<SELECT ...>"]
                         the run summary (or the query's result) as a file pandas reads
  ui                     the results page: runs table, run pages, compare, sweep heat maps
                         (a local read-only server on 127.0.0.1; Ctrl-C stops it)
  scaling [--sweep ID] [--metric NAME]
                         the metric against the exact parameter count, one series per horizon,
                         each fitted with L(N) = a·N^(−α) + c (α with its standard error)

Options:
  --json                 JSON output (ls, show, compare: one JSON value; sql: one JSON object per row)
  --sql "<SELECT ...>"   export csv|parquet: this read-only query instead of run_summary
  --export FILE          study: the best trial's parameters as a config file
  --copy                 export mlflow: copy the run folders into artifacts/ instead of linking them
  --port N               ui: the port (default 8765; 0 picks a free one)
  --host H               ui: the address to bind (default 127.0.0.1; another one is reachable from other machines)
  --sweep ID             scaling: the runs of this sweep (id or id prefix) instead of all runs
  --metric NAME          scaling: the metric to fit (default best_val_loss; any other name: its last value)
  --index PATH           the index file (default: outputs/index.sqlite, or "indexPath" in package.json "ladder")
  --outputs DIR          the outputs folder (default: outputs, or "outputsDir")
  --version, -V          print Ladder's version
  --help, -h             this text`;

class UsageError extends Error {}

interface RunsArgs {
  command: string | null;
  rest: string[];
  json: boolean;
  help: boolean;
  version: boolean;
  index: string | null;
  outputs: string | null;
  sql: string | null;
  copy: boolean;
  port: string | null;
  host: string | null;
  sweep: string | null;
  metric: string | null;
  exportTo: string | null;
}

function parseArgs(argv: string[]): RunsArgs {
  const args: RunsArgs = { command: null, rest: [], json: false, help: false, version: false, index: null, outputs: null, sql: null, copy: false, port: null, host: null, sweep: null, metric: null, exportTo: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') args.json = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg === '--copy') args.copy = true;
    else if (arg === '--sql') {
      if (argv[i + 1] === undefined) throw new UsageError('--sql needs a query, e.g. --sql "SELECT id, val_loss FROM run_summary"');
      args.sql = argv[++i];
    } else if (arg === '--export') {
      if (argv[i + 1] === undefined) throw new UsageError('--export needs a file, e.g. --export conf/best/2m-h3.yaml');
      args.exportTo = argv[++i];
    } else if (arg === '--index' || arg === '--outputs' || arg === '--port' || arg === '--host' || arg === '--sweep' || arg === '--metric') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      args[arg.slice(2) as 'index' | 'outputs' | 'port' | 'host' | 'sweep' | 'metric'] = value;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown flag '${arg}'. See npx runs --help`);
    else if (args.command === null) args.command = arg;
    else args.rest.push(arg);
  }
  return args;
}

const jsonLine = (v: unknown) => `${JSON.stringify(v)}\n`;

/** A result row as an object, as SQLite drivers give it: a repeated column name keeps its first place and its last value. */
function rowObject(columns: string[], values: unknown[]): Row {
  const row: Row = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]] = values[i];
  return row;
}

export async function main(argv: string[], io: RunsIO = defaultIO()): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.version) {
      io.stdout.write(versionLine());
      return 0;
    }
    if (args.help || args.command === null) {
      io.stdout.write(`${RUNS_USAGE}\n`);
      return args.help ? 0 : 2;
    }
    if ((args.port !== null || args.host !== null) && args.command !== 'ui') throw new UsageError('--port and --host go with runs ui');
    const settings = loadSettings(io.cwd);
    const outputsDir = args.outputs ? path.resolve(io.cwd, args.outputs) : settings.outputsDir;
    const indexPath = args.index
      ? path.resolve(io.cwd, args.index)
      : args.outputs
        ? path.join(outputsDir, 'index.sqlite')
        : settings.indexPath;
    if ((args.sweep !== null || args.metric !== null) && args.command !== 'scaling') throw new UsageError(`--sweep and --metric go with runs scaling, not runs ${args.command}`);
    if (['ls', 'show', 'sql', 'scaling', 'study'].includes(args.command)) await noteStale(outputsDir, indexPath, io);
    switch (args.command) {
      case 'ls':
        return await ls(outputsDir, indexPath, args, io);
      case 'show':
        return show(indexPath, outputsDir, args, io);
      case 'sql':
        return sql(indexPath, args, io);
      case 'reindex':
        return await reindexCommand(outputsDir, indexPath, io);
      case 'export':
      case 'compare': {
        const { compareCommand, exportCommand, ExportUsageError } = await import('./runs-export.js');
        const req = { rest: args.rest, sql: args.sql, copy: args.copy, json: args.json, indexPath, outputsDir, cwd: io.cwd, stdout: io.stdout };
        try {
          return args.command === 'export' ? exportCommand(req) : compareCommand(req);
        } catch (e) {
          throw e instanceof ExportUsageError ? new UsageError(e.message) : e;
        }
      }
      case 'ui': {
        const { uiCommand, UiUsageError } = await import('./runs-ui.js');
        try {
          return await uiCommand({ host: args.host, port: args.port, rest: args.rest, indexPath, outputsDir, stdout: io.stdout, stderr: io.stderr });
        } catch (e) {
          throw e instanceof UiUsageError ? new UsageError(e.message) : e;
        }
      }
      case 'scaling': {
        const { scalingCommand, ScalingUsageError } = await import('./runs-scaling.js');
        try {
          return scalingCommand({ rest: args.rest, sweep: args.sweep, metric: args.metric, json: args.json, indexPath, stdout: io.stdout });
        } catch (e) {
          throw e instanceof ScalingUsageError ? new UsageError(e.message) : e;
        }
      }
      case 'study': {
        const { studyCommand, StudyUsageError, StudyNotFound } = await import('./runs-study.js');
        try {
          return studyCommand({ rest: args.rest, json: args.json, exportTo: args.exportTo, indexPath, outputsDir, cwd: io.cwd, stdout: io.stdout });
        } catch (e) {
          if (e instanceof StudyNotFound) throw new IndexError(e.message);
          throw e instanceof StudyUsageError ? new UsageError(e.message) : e;
        }
      }
      case 'migrate': {
        const [from, to] = migrateIndex(indexPath);
        io.stdout.write(from === to ? `${indexPath} is already at schema v${to}\n` : `migrated ${indexPath} from schema v${from} to v${to}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${args.command}': use ls, show, sql, study, compare, export, ui, scaling, reindex or migrate (npx runs --help)`);
    }
  } catch (error) {
    const known = error instanceof UsageError || error instanceof IndexError || error instanceof ConfigError;
    io.stderr.write(`Error: ${(error as Error)?.message ?? String(error)}\n`);
    if (!known && io.env.LADDER_FULL_ERROR === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/**
 * Runs left `running` by a process on this host that is gone are closed before the command reads
 * (tracking/stale.ts), each said in a line on stderr. The read-only check costs one query; the folder
 * side loads only when the index lists a running run.
 */
async function noteStale(outputsDir: string, indexPath: string, io: RunsIO): Promise<void> {
  let running: { runs: string[]; sweeps: string[] };
  try {
    running = withReadOnly(indexPath, runningInIndex);
  } catch {
    return; // no index, or one the command itself will refuse with the reason
  }
  if (!running.runs.length && !running.sweeps.length) return;
  const { closeStale, staleLines } = await import('../tracking/stale.js');
  io.stderr.write(staleLines(closeStale(outputsDir, indexPath, running)));
}

function withReadOnly<T>(indexPath: string, fn: (db: ReturnType<typeof openIndexReadOnly>) => T): T {
  const db = openIndexReadOnly(indexPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

async function ls(outputsDir: string, indexPath: string, args: RunsArgs, io: RunsIO): Promise<number> {
  const slurm = await slurmArrays(outputsDir, indexPath);
  const rows = withReadOnly(indexPath, (db) => listRuns(db, args.rest)).map((r) => {
    const overrides = JSON.parse(r.overrides as string) as string[];
    return { ...r, overrides: args.json ? overrides : overrides.join(' ') || '(none)' };
  });
  if (args.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else io.stdout.write(rows.length ? `${formatTable(rows)}\n${rows.length} run(s)\n` : 'no runs match\n');
  if (slurm && !args.json) io.stdout.write(slurm);
  return 0;
}

/**
 * Sweeps submitted to SLURM without waiting (launcher.wait=false): adds their ended runs to the index and
 * returns a line per array still in SLURM, or '' when there is none (loaded only when a sweep is running).
 */
async function slurmArrays(outputsDir: string, indexPath: string): Promise<string> {
  let running: string[];
  try {
    running = withReadOnly(indexPath, (db) => (db.prepare("SELECT dir FROM sweeps WHERE status = 'running'").all() as { dir: string }[]).map((r) => r.dir));
  } catch {
    return ''; // no index yet: ls itself says so
  }
  if (!running.length) return '';
  const { slurmCatchUp, formatOpenArrays } = await import('../launch/launchers/slurm/catch-up.js');
  return formatOpenArrays(await slurmCatchUp(outputsDir, indexPath, running));
}

function show(indexPath: string, outputsDir: string, args: RunsArgs, io: RunsIO): number {
  if (args.rest.length !== 1) throw new UsageError('runs show takes one run id (or id prefix) or run folder');
  const found = withReadOnly(indexPath, (db) => {
    const run = findRun(db, args.rest[0], outputsDir, io.cwd);
    return run ? { run, metrics: runMetrics(db, run.id as string) } : null;
  });
  if (!found) throw new IndexError(`no run '${args.rest[0]}' in ${indexPath}; list them with \`runs ls\` (or \`runs reindex\` if folders were added)`);
  const run: Row = { ...found.run };
  for (const key of ['overrides', 'choices', 'config', 'info']) run[key] = JSON.parse(run[key] as string);
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ ...run, metrics: found.metrics }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `run ${run.id}  ${run.status}${run.reason ? `: ${run.reason}` : ''}`,
    `  task:      ${run.task}`,
    `  folder:    ${path.join(outputsDir, run.dir as string)}`,
    `  sweep:     ${run.sweep_id ? `${run.sweep_id} job #${run.job}` : '(single run)'}`,
    `  overrides: ${(run.overrides as string[]).join(' ') || '(none)'}`,
    `  choices:   ${Object.entries(run.choices as object).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    `  started:   ${run.started_at}   finished: ${run.finished_at ?? '-'}   duration: ${run.duration_s ?? '-'} s`,
    `  host:      ${run.hostname}   git: ${run.git_commit ?? '-'}`,
  ];
  if (Object.keys(run.info as object).length) lines.push(`  info:      ${JSON.stringify(run.info)}`);
  lines.push('', found.metrics.length ? formatTable(found.metrics) : '(no metrics)');
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function sql(indexPath: string, args: RunsArgs, io: RunsIO): number {
  if (args.rest.length !== 1) throw new UsageError('runs sql takes one query in quotes, e.g. runs sql "SELECT * FROM run_summary"');
  if (args.json) {
    const lines = runSql(indexPath, args.rest[0], (columns, rows) => Array.from(rows, (values) => jsonLine(rowObject(columns, values))));
    io.stdout.write(lines.join('')); // one write: 10,000 small ones cost more than the query
    return 0;
  }
  // the whole result is read before anything is printed: an SQL error half-way leaves no half table
  const { columns, table } = runSql(indexPath, args.rest[0], (columns, rows) => {
    const table = new TextTable(columns);
    for (const values of rows) table.add(values);
    return { columns, table };
  });
  if (table.rows) for (const chunk of table.chunks()) io.stdout.write(chunk);
  else io.stdout.write(`${columns.join('  ')}\n(0 rows)\n`);
  return 0;
}

async function reindexCommand(outputsDir: string, indexPath: string, io: RunsIO): Promise<number> {
  const { reindex } = await import('../tracking/reindex.js');
  const result = reindex(outputsDir, indexPath);
  io.stdout.write(`reindexed ${outputsDir} → ${indexPath}: ${result.sweeps} sweeps, ${result.runs} runs, ${result.metrics} metrics\n`);
  for (const s of result.skipped) io.stderr.write(`warning: skipped ${s.dir}: ${s.reason}; it is left out of the index: repair the file or move the folder aside, then npx runs reindex\n`);
  for (const dir of result.closed) io.stdout.write(`closed a run left running (its process is gone): ${dir}\n`);
  return 0;
}

function defaultIO(): RunsIO {
  tolerateClosedStdout(() => process.exit(0));
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exitCode = await main(process.argv.slice(2));
