// `npx ladder run ...` / `npx ladder runs ...`: one bin with Ladder's own name, so that npx reaches
// Ladder even where `run` means another package (npx outside a project resolves it on the registry).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunIO } from './run.js';
import { versionLine } from './version.js';

export const LADDER_USAGE = `Usage: npx ladder <command> [args...]

Commands:
  run [flags] [overrides...]   compose the config and run the job(s)     (same as npx run; npx ladder run --help)
  runs <command>               query the index: ls, show, sql, reindex   (same as npx runs; npx ladder runs --help)

Flags:
  --version, -V                print Ladder's version
  --help, -h                   this text

The project is the nearest folder, from the current one up, with Ladder settings or conf/config.yaml.`;

/** Dispatches to `run` or `runs`; returns the exit code (2 for an unknown command, as a usage error). */
export async function main(argv: string[], io?: RunIO): Promise<number> {
  const [command, ...rest] = argv;
  const out = io?.stdout ?? process.stdout;
  const err = io?.stderr ?? process.stderr;
  // each command loads only its own CLI: `ladder runs` starts as fast as `runs`, without composition or the job runner
  if (command === 'run') return (await import('./run.js')).main(rest, io);
  if (command === 'runs') return (await import('./runs.js')).main(rest, io);
  if (command === '--version' || command === '-V') {
    out.write(versionLine());
    return 0;
  }
  if (command === '--help' || command === '-h') {
    out.write(`${LADDER_USAGE}\n`);
    return 0;
  }
  err.write(command === undefined ? `${LADDER_USAGE}\n` : `Error: unknown command '${command}': use run or runs (npx ladder --help)\n`);
  return 2;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exitCode = await main(process.argv.slice(2));
