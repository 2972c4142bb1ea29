// `npx runs ui`: starts the results page (runner/ui) and serves until Ctrl-C. Loaded only when asked for:
// Hono and the page stay out of `runs ls`.
import { existsSync } from 'node:fs';
import { isLoopback, startUi } from '../ui/index.js';

export const DEFAULT_UI_HOST = '127.0.0.1';
export const DEFAULT_UI_PORT = 8765;

export interface UiRequest {
  host: string | null;
  port: string | null;
  rest: string[];
  indexPath: string;
  outputsDir: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves when the server should stop (default: SIGINT or SIGTERM). */
  until?: Promise<unknown>;
}

/** Raised for a command line that cannot work; runs.ts turns it into exit code 2. */
export class UiUsageError extends Error {}

/** Parses --port: a whole number 0..65535 (0: a free port). */
export function parsePort(text: string | null): number {
  if (text === null) return DEFAULT_UI_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UiUsageError(`--port ${text}: give a port number 1-65535, or 0 for a free one`);
  return port;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `runs ui [--port N] [--host H]`: serves until `until` (Ctrl-C); returns the exit code. */
export async function uiCommand(req: UiRequest): Promise<number> {
  if (req.rest.length) throw new UiUsageError(`runs ui takes no arguments (got '${req.rest.join(' ')}'); options: --port N, --host H, --outputs DIR, --index PATH`);
  const port = parsePort(req.port);
  const host = req.host ?? DEFAULT_UI_HOST;
  if (!existsSync(req.outputsDir)) throw new UiUsageError(`no outputs dir at ${req.outputsDir}: run something first, or pass --outputs DIR`);
  if (!isLoopback(host)) {
    req.stderr.write(`warning: --host ${host}: every machine that can reach this one may read the runs, their logs and files (the page has no login); use an SSH tunnel to 127.0.0.1 instead where you can\n`);
  }
  let server;
  try {
    server = await startUi({ outputsDir: req.outputsDir, indexPath: req.indexPath }, { host, port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : code === 'EACCES' ? 'not allowed (ports below 1024 need root)' : (e as Error).message;
    throw new Error(`cannot listen on ${host}:${port}: ${why}${code ? ` (${code})` : ''}; pick another with --port, or --port 0 for a free one`);
  }
  // listening for Ctrl-C before the line that tells a script the server is up (stdout to a pipe is synchronous)
  const stop = req.until ?? untilSignal();
  req.stdout.write(`Ladder results: ${server.url}  (read-only over ${req.outputsDir}; Ctrl-C stops it)\n`);
  await stop;
  await server.close();
  return 0;
}
