/**
 * Cases that take turns: every case's process starts at once and builds its model, then the cases step one
 * at a time, in rounds, each round in a rotated order, so each step has the machine to itself and every
 * case's steps fall within seconds of the others'. On a host whose speed wanders over minutes (docs/benchmarks.md),
 * separate runs pair one case's fast minutes with another's slow ones; here adjacent steps share them. The
 * processes stay separate, so each peak RSS is still its own process's. All of them are resident at once:
 * the caller checks that their memory fits.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type EngineCase, type EngineRow, caseCommand, rowOf } from './engine.js';

interface Turner {
  c: EngineCase;
  /** Sends the next step's go-ahead and resolves with the step's seconds. */
  turn(): Promise<number>;
  /** Resolves with the case's final JSON once the process exits. */
  done: Promise<unknown>;
  /** No more turns: closes the process's stdin, so that it prints its JSON and exits. */
  end(): void;
  kill(): void;
}

function start(c: EngineCase, timeoutS: number): Turner {
  const { cmd, args, env } = caseCommand({ ...c, turns: true });
  const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const waiting: ((s: number) => void)[] = [];
  let last = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('turn ')) waiting.shift()?.(Number(line.slice(5)));
    else last = line;
  });
  const name = `${c.shape}/${c.backend} batch ${c.batch}`;
  const done = new Promise<unknown>((resolve, reject) => child.on('close', (code, signal) => {
    clearTimeout(killer);
    const tail = stderr.trim().split('\n').slice(-2).join(' | ');
    if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last));
    else reject(new Error(`${name}: ${signal ? `killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory, or past the time limit?)' : ''}` : `exit ${code}`}; last output: ${tail || 'none'}`));
  }));
  return {
    c,
    done,
    end: () => child.stdin.end(),
    kill: () => child.kill('SIGKILL'),
    turn: () => Promise.race([new Promise<number>((resolve) => {
      waiting.push(resolve);
      child.stdin.write('go\n');
    }), done.then(() => Promise.reject(new Error(`${name}: exited before its turn ended`)))]),
  };
}

/**
 * Runs `cases` in turns (each `warmup` + `steps` runs of steps, the same counts for all) and returns their rows,
 * in order. A case that fails ends the whole set (its error is thrown; the other processes are killed).
 */
export async function runInTurns(cases: EngineCase[], timeoutS: number): Promise<EngineRow[]> {
  const turners = cases.map((c) => start(c, timeoutS));
  try {
    const runs = (c: EngineCase) => Math.ceil(c.warmup / (c.stepsPerRun ?? 1)) + Math.ceil(c.steps / (c.stepsPerRun ?? 1));
    const rounds = Math.max(...cases.map(runs));
    for (let r = 0; r < rounds; r++) {
      const order = [...turners.slice(r % turners.length), ...turners.slice(0, r % turners.length)];
      for (const t of order) if (r < runs(t.c)) await t.turn();
    }
    for (const t of turners) t.end();
    return await Promise.all(turners.map(async (t) => rowOf(t.c, await t.done)));
  } catch (e) {
    for (const t of turners) {
      t.done.catch(() => {});
      t.kill();
    }
    throw e;
  }
}
