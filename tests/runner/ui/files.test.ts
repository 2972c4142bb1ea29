// The server reads only inside the outputs dir: a path that climbs out (plain, percent-encoded, with a
// backslash, through a symlink) is a 404, as is anything off the vendor whitelist; only loopback Host
// names are answered (DNS rebinding), unless the server was bound elsewhere on purpose.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiApp, resolveInside, type UiServer } from '../../../runner/ui/index.js';
import { serveOutputs } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'ladder-ui-files-'));
const outputs = join(root, 'outputs');
const secret = join(root, 'secret.txt');
let server: UiServer;

/** A GET with the path sent exactly as written (fetch and URL would normalize `..` away first). */
function rawGet(path: string, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(port), path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(outputs, 'run', 'sub'), { recursive: true });
  writeFileSync(join(outputs, 'run', 'run.log'), 'inside\n');
  writeFileSync(join(outputs, 'run', 'sub', 'a b.txt'), 'spaced\n');
  writeFileSync(secret, 'SECRET\n');
  symlinkSync(secret, join(outputs, 'run', 'escape.txt'));
  symlinkSync(root, join(outputs, 'up'));
  symlinkSync(join(outputs, 'run', 'run.log'), join(outputs, 'run', 'inner-link.log'));
  server = await serveOutputs(outputs);
});
afterAll(() => server?.close());

describe('files under the outputs dir', () => {
  it('serves a file inside, by a plain or an encoded name, and a symlink that stays inside', async () => {
    expect(await rawGet('/files/run/run.log')).toEqual({ status: 200, body: 'inside\n' });
    expect(await rawGet('/files/run/sub/a%20b.txt')).toEqual({ status: 200, body: 'spaced\n' });
    expect(await rawGet('/files/run/inner-link.log')).toEqual({ status: 200, body: 'inside\n' });
  });

  it.each([
    '/files/../secret.txt',
    '/files/run/../../secret.txt',
    '/files/%2e%2e/secret.txt',
    '/files/%2E%2E/secret.txt',
    '/files/run/%2e%2e/%2e%2e/secret.txt',
    '/files/..%2fsecret.txt',
    '/files/run%2f..%2f..%2fsecret.txt',
    '/files/..%5csecret.txt',
    '/files/run/escape.txt',
    '/files/up/secret.txt',
    '/files/%00',
    '/files/%E0%A4%A',
    '/files/run',
    '/files/',
    '/files/nothing.txt',
  ])('answers %s with 404 and nothing of the file', async (path) => {
    const r = await rawGet(path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('SECRET');
  });

  it('resolveInside gives the real path inside, and null for every way out', () => {
    expect(resolveInside(outputs, 'run/run.log')).toMatch(/outputs\/run\/run\.log$/);
    for (const p of ['..', '../secret.txt', '%2e%2e/secret.txt', 'run/escape.txt', 'up/secret.txt', 'run', '']) expect(resolveInside(outputs, p), p).toBeNull();
  });
});

describe('the rest of the server', () => {
  it('serves the vendor builds on its list and nothing else from node_modules', async () => {
    const vega = await rawGet('/vendor/vega-embed.min.js');
    expect(vega.status).toBe(200);
    expect(vega.body).toContain('vegaEmbed');
    for (const p of ['/vendor/vega-embed.min.js.map', '/vendor/..%2fpackage.json', '/vendor/../package.json', '/vendor/hono', '/node_modules/vega/package.json']) {
      expect((await rawGet(p)).status, p).toBe(404);
    }
  });

  it('serves the page and its own client modules only', async () => {
    expect((await rawGet('/')).body).toContain('/vendor/vega-embed.min.js');
    expect((await rawGet('/views/runs.js')).status).toBe(200);
    for (const p of ['/../server.ts', '/%2e%2e/server.ts', '/views/../../server.ts']) expect((await rawGet(p)).status, p).toBe(404);
  });

  it('refuses a request whose Host is not a loopback name, unless bound elsewhere on purpose', async () => {
    const r = await rawGet('/api/ui', 'attacker.example:80');
    expect(r.status).toBe(403);
    expect(r.body).toContain("Host 'attacker.example' is not this machine's loopback name");
    expect((await rawGet('/api/ui', 'localhost:1234')).status).toBe(200);
    const open = createUiApp({ outputsDir: outputs, indexPath: join(outputs, 'index.sqlite') }, { anyHost: true });
    expect((await open.request('http://study.lan:8765/api/ui')).status).toBe(200);
  });

  it('says there is no index yet instead of failing, and 404s an unknown API path', async () => {
    const runs = await rawGet('/api/runs');
    expect(runs.status).toBe(503);
    expect(JSON.parse(runs.body).error).toMatch(/^no index at .*index\.sqlite yet: run something, or `runs reindex`$/);
    expect((await rawGet('/api/nothing')).status).toBe(404);
  });
});
