// Set-up works offline and leaves a ready CLI: onnxruntime-node's install script (a CUDA download) is
// told to skip in two ways, and the `prepare` build that npx runs when it first links the package's
// bins is a no-op on a built tree.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('set-up', () => {
  it("the project's npm config tells onnxruntime-node's install script to skip (npm passes it to every install script, whatever npm's version)", () => {
    const r = spawnSync('npm', ['config', 'get', 'onnxruntime-node-install'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('skip');
  });

  it("onnxruntime-node's postinstall (a CUDA download from NuGet) is denied, and the CPU binding it would not fetch is bundled", () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    const binding = path.join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch, 'onnxruntime_binding.node');
    expect(fs.existsSync(binding)).toBe(true);
  });

  it('the build that prepare runs is incremental: on a built tree it does nothing (npx runs it when it first links the bins)', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    expect(pkg.scripts.prepare).toBe('npm run build');
    const build = pkg.scripts.build.split(' && ')[0].split(' '); // then the validators' precompile step
    expect(build[0]).toBe('tsc');
    const tsc = (...args: string[]) => spawnSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), ...build.slice(1), ...args], { encoding: 'utf8' });
    expect(tsc().status).toBe(0); // as npm ci's prepare does (a no-op when the tree is built already)
    const r = tsc('--dry', '--verbose');
    expect(r.status).toBe(0);
    // (an edited-but-unchanged file only needs timestamps touched: still no compile)
    expect(r.stdout).toMatch(/Project '.*tsconfig\.build\.json' is up to date/);
    expect(r.stdout).not.toMatch(/would build|out of date/i);
  });
});
