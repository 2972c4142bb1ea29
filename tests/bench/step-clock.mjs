// Preloaded (`node --import`) into the CLI by the training benchmark (tests/bench/train.ts), never by the
// product: it notes, as one JSON line per event in $LADDER_BENCH_CLOCK, when the main thread asks the
// engine worker for an optimizer step ('step' or 'steps' requests), when the worker answers it (step_end),
// and when the process exits; first a 'start' line with the process's start as epoch milliseconds. `t` is
// milliseconds since this process started (performance.timeOrigin), `cpu` the CPU milliseconds of all
// its threads so far. Plain JS so that it runs in `node bin/run.js` from dist/ without a TypeScript loader.
import { appendFileSync } from 'node:fs';
import { isMainThread, Worker } from 'node:worker_threads';

const file = process.env.LADDER_BENCH_CLOCK;
// Node runs --import preloads in worker threads too: the engine worker notes nothing
if (file && isMainThread) {
  const note = (event) => {
    const c = process.cpuUsage();
    appendFileSync(file, `${JSON.stringify({ event, t: performance.now(), cpu: (c.user + c.system) / 1000 })}\n`);
  };
  const isStep = (type) => typeof type === 'string' && /^steps?$/.test(type);
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, transfer) {
    if (isStep(message?.req?.type)) note('step');
    return post.call(this, message, transfer);
  };
  const emit = Worker.prototype.emit;
  Worker.prototype.emit = function (event, value, ...rest) {
    if (event === 'message' && isStep(value?.value?.type)) note('step_end');
    return emit.call(this, event, value, ...rest);
  };
  appendFileSync(file, `${JSON.stringify({ event: 'start', epoch_ms: performance.timeOrigin })}\n`);
  process.on('exit', () => note('exit'));
}
