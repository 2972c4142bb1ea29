// The results page under test: real runs (tiny trainings, or echo jobs) launched in-process into a temp
// outputs dir, the server on a free port, and Debian's Chromium driven by playwright-core.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { runLaunchCommand } from '../../../runner/cli/launch.js';
import '../../../runner/tasks/builtin.js';
import { startUi, type UiServer } from '../../../runner/ui/index.js';
import { confWithTasks } from '../helpers.js';

/** A model small enough for a few-second run (~2k parameters), logging step metrics every 5 steps. */
export const TINY_TRAIN = ['trainer=smoke', 'model.d_model=8', 'model.d_ff=16', 'model.n_layers=1', 'model.n_heads=2', 'trainer.log_every_n_steps=5'];

export const CHROMIUM = process.env.LADDER_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}: apt-get install --no-install-recommends chromium (or set LADDER_CHROMIUM)`;
}

/**
 * `describe` for tests that drive Chromium: skipped, with the reason in its title, where Chromium is missing,
 * except under CI=true, where .ci/run installs it: there the suite runs, and a missing Chromium fails it,
 * with a test that names the fix.
 */
export function describeInChromium(title: string, body: () => void): void {
  const missing = chromiumMissing();
  const ci = process.env.CI === 'true';
  if (missing && ci) it('has the Chromium that .ci/run installs', () => {
    throw new Error(missing);
  });
  describe.skipIf(missing !== null && !ci)(`${title}${missing && !ci ? ` (skipped: ${missing})` : ''}`, body);
}

export const newOutputs = () => mkdtempSync(join(tmpdir(), 'ladder-ui-'));

/** `npx run [-m] <overrides> [--zip keys]` in-process into `outputsDir`; throws unless every job completed. */
export async function launch(outputsDir: string, overrides: string[], multirun: boolean, zip: string[][] = []): Promise<void> {
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: outputsDir };
  const code = await runLaunchCommand({
    overrides, multirun, zip, dryRun: false, json: false,
    configDir: confWithTasks(), configName: 'config', outputsDir, indexPath: join(outputsDir, 'index.sqlite'),
  }, compose, quiet);
  if (code !== 0) throw new Error(`run ${overrides.join(' ')} exited ${code}`);
}

/** The server on a free loopback port over `outputsDir`. */
export const serveOutputs = (outputsDir: string): Promise<UiServer> =>
  startUi({ outputsDir, indexPath: join(outputsDir, 'index.sqlite') }, { host: '127.0.0.1', port: 0 });

/** GET `path` from `server`, expecting 200; its JSON. */
export async function getJson(server: UiServer, path: string): Promise<any> {
  const res = await fetch(new URL(path, server.url));
  expect(res.status, path).toBe(200);
  return res.json();
}

/** The rows of `sql` over the outputs dir's index, read-only. */
export function indexRows<T>(outputsDir: string, sql: string): T[] {
  const db = new Database(join(outputsDir, 'index.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Headless Chromium with one page `width` × 900 px; an error thrown in the page fails the test. */
export async function openPage(width: number): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (e) => { throw e; });
  return { browser, page };
}
