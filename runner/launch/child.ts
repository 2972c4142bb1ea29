// `node dist/runner/launch/child.js <job.json>`: runs one job in its own process for a launcher that
// runs jobs elsewhere (pool, slurm), reporting to the parent as JSON lines on stdout (see
// child-protocol.ts). The parent created the run folder; this process writes everything in it.
// SIGINT/SIGTERM once: the job stops after saving its state (interrupted); twice: at once.
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import '../tasks/builtin.js';
import { reviveFloats } from '../overrides/index.js';
import { CHILD_EXIT, type ChildEvent, type JobFile } from './child-protocol.js';
import { JobRun } from './job.js';

const out = process.stdout.write.bind(process.stdout);
// the protocol owns stdout: whatever the task prints goes to stderr
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
const send = (event: ChildEvent) => out(`${JSON.stringify(event)}\n`);
// a parent that is gone leaves nobody to read: the job still ends and records itself in its folder
process.stdout.on('error', () => undefined);

function readJobFile(path: string | undefined): JobFile {
  if (!path) throw new Error('usage: child.js <job.json>');
  const file = JSON.parse(readFileSync(path, 'utf8'), reviveFloats) as JobFile;
  if (typeof file?.job?.task !== 'string' || typeof file.dir !== 'string' || typeof file.runId !== 'string') {
    throw new Error(`${path}: not a job file (needs job, dir, runId)`);
  }
  return file;
}

async function main(argv: string[]): Promise<number> {
  let file: JobFile;
  try {
    file = readJobFile(argv[0]);
    for (const m of file.imports ?? []) await import(isAbsolute(m) ? pathToFileURL(m).href : m);
  } catch (e) {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    return CHILD_EXIT.usage;
  }
  const { job, dir, runId, placement } = file;
  send({ type: 'start', num: job.num, runId, dir, pid: process.pid });
  const controller = new AbortController();
  let run: JobRun | null = null;
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) return controller.abort(`interrupted by ${name}`);
    if (run) send({ type: 'end', outcome: run.finish('interrupted', `interrupted by a second ${name}: stopped without waiting for the task`) });
    process.exit(CHILD_EXIT.hardStop);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (file.stopWhenStdinCloses) {
    process.stdin.on('end', () => controller.abort('interrupted: the launcher is gone (its pipe closed)')).on('error', () => undefined).resume();
    process.stdin.unref(); // the job, not the pipe, keeps this process alive
  }
  try {
    run = new JobRun(job, dir, file, {
      progress: (progress) => send({ type: 'progress', progress }),
      warn: (message) => send({ type: 'warn', message }),
      record: (record) => send({ type: 'record', record }),
      metric: (id, metric) => send({ type: 'metric', runId: id, metric }),
      rewind: (id, metrics) => send({ type: 'rewind', runId: id, metrics }),
    }, () => new Date(), placement);
    send({ type: 'end', outcome: await run.execute(controller.signal) });
    return CHILD_EXIT.ended;
  } catch (e) {
    const message = `runner error: ${(e as Error)?.message ?? String(e)}`;
    send(run ? { type: 'end', outcome: run.finish('failed', message) } : { type: 'error', message });
    return CHILD_EXIT.runnerError;
  }
}

process.exitCode = await main(process.argv.slice(2));
