// `npx runs ui`: a local, read-only server over the index and the run folders (Hono on Node's http).
// It binds 127.0.0.1 unless told otherwise, serves only files inside the outputs dir, the page's own
// client modules and a fixed list of browser builds from node_modules.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';
import type { UiContext } from './context.js';
import { contentType, resolveInside } from './files.js';
import { vendorFile, vendorType } from './vendor.js';
import { RUN_PANELS, VIEWS, type RunPanel, type UiView } from './views.js';

/** runner/ui/client/, from the sources (tsx, vitest) or from dist/runner/ui (the built bins). */
export function clientDir(): string {
  const here = import.meta.dirname;
  for (const dir of [join(here, 'client'), join(here, '..', '..', '..', 'runner', 'ui', 'client')]) if (existsSync(join(dir, 'index.html'))) return dir;
  throw new Error(`cannot find the results page's client files (runner/ui/client) from ${here}`);
}

/** Every file of the client folder by its URL path ('/app.js', '/views/runs.js'): the only client files served. */
function clientFiles(dir: string, root = dir, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, e.name);
    if (e.isDirectory()) clientFiles(file, root, out);
    else if (e.isFile()) out.set(`/${relative(root, file).split(sep).join('/')}`, file);
  }
  return out;
}

/** A file read from disk as the body Hono takes (readFileSync's Buffer never shares its memory). */
const bytes = (b: Buffer) => b as unknown as Uint8Array<ArrayBuffer>;

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface UiAppOptions {
  views?: UiView[];
  panels?: RunPanel[];
  /** Accept any Host header (the server was bound to another address on purpose); else only loopback names. */
  anyHost?: boolean;
}

/**
 * The results page as a Hono app: GET / (the page), /api/* (views' and panels' routes, and /api/ui: which
 * views and panels there are), /files/<path under the outputs dir>, /vendor/<whitelisted build>, the client modules.
 */
export function createUiApp(ctx: UiContext, opts: UiAppOptions = {}): Hono {
  const views = opts.views ?? VIEWS;
  const panels = opts.panels ?? RUN_PANELS;
  const client = clientFiles(clientDir());
  const app = new Hono();

  app.use(async (c, next) => {
    // a page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own Host
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
    if (!opts.anyHost && !LOOPBACK_NAMES.has(host)) return c.text(`refused: Host '${host}' is not this machine's loopback name`, 403);
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  });
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    return c.json({ error: err.message }, 500);
  });

  app.get('/api/ui', (c) =>
    c.json({
      outputsDir: ctx.outputsDir,
      views: views.map(({ id, title, nav, module }) => ({ id, title, nav, module })),
      panels: panels.map(({ id, title, module }) => ({ id, title, module })),
    }),
  );
  for (const part of [...views, ...panels]) if (part.routes) app.route('/api', part.routes(ctx));
  app.all('/api/*', (c) => c.json({ error: `no API route ${c.req.path}` }, 404));

  app.get('/files/*', (c) => {
    // the raw path, not Hono's decoded one: resolveInside decodes each segment itself
    const raw = new URL(c.req.url).pathname.slice('/files/'.length);
    const file = resolveInside(ctx.outputsDir, raw);
    if (!file) return c.text('not found', 404);
    // a run's SVG or HTML must not run scripts in the page's origin
    c.header('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return c.body(bytes(readFileSync(file)), 200, { 'Content-Type': contentType(file) });
  });
  app.get('/vendor/:name', (c) => {
    const name = c.req.param('name');
    const found = vendorFile(name);
    return found ? c.body(bytes(found), 200, { 'Content-Type': vendorType(name), 'Cache-Control': 'max-age=3600' }) : c.text('not found', 404);
  });
  app.get('*', (c) => {
    const path = new URL(c.req.url).pathname;
    const file = client.get(path === '/' ? '/index.html' : path);
    if (!file) return c.text('not found', 404);
    const type = file.endsWith('.js') ? 'text/javascript; charset=utf-8' : file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/html; charset=utf-8';
    return c.body(bytes(readFileSync(file)), 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  });
  return app;
}

export interface UiServer {
  /** http://host:port/ as a browser opens it. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the server on `host`:`port` (0: a free port); resolves once it listens, rejects when it cannot (port taken). */
export function startUi(ctx: UiContext, opts: { host: string; port: number } & UiAppOptions): Promise<UiServer> {
  const app = createUiApp(ctx, { ...opts, anyHost: opts.anyHost ?? !isLoopback(opts.host) });
  return new Promise((resolve, reject) => {
    let server: ServerType;
    const fail = (e: Error) => reject(e);
    server = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, (info: AddressInfo) => {
      server.off('error', fail);
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}/`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            // open event streams would keep close() waiting for ever
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.once('error', fail);
  });
}

/** Whether `host` is a loopback address (the default 127.0.0.1, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
