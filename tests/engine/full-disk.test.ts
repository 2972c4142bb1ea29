// The engine's writers on a full disk: a checkpoint goes to a temporary file and is renamed, an exported
// model is removed when it cannot be written whole. A write that fails half-way leaves neither half a
// file nor a temporary one, and the checkpoint before it stays whole. (write(2) may write part of what it
// is asked without failing: only the next write says ENOSPC, so a writer that ignores the count it gets
// back leaves a truncated file and no error.) A real full file system: a 64 KB tmpfs, which needs root
// (CI runs as root).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import * as o from '../../engine/autodiff/ops.js';
import { readSafetensors, writeSafetensors } from '../../engine/checkpoint/safetensors.js';
import { Graph } from '../../engine/graph/builder.js';
import { saveModel } from '../../engine/graph/serialize.js';

const mounted: string[] = [];
afterAll(() => mounted.forEach((m) => spawnSync('umount', ['-l', m])));

/** A fresh 64 KB tmpfs, or null after skipping the test where one cannot be had. */
function smallDisk(ctx: TestContext): string | null {
  if (process.getuid?.() !== 0) return ctx.skip('needs root to mount a tmpfs'), null;
  const dir = mkdtempSync(join(tmpdir(), 'ladder-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return ctx.skip(`mount failed: ${r.stderr.trim()}`), null;
  mounted.push(dir);
  return dir;
}

describe('the engine\'s writers on a full disk', () => {
  it('writeSafetensors throws ENOSPC, leaves no temporary file, and keeps the previous checkpoint readable', (ctx) => {
    const dir = smallDisk(ctx);
    if (!dir) return;
    const path = join(dir, 'last.safetensors');
    const small = new Float32Array(1000).fill(0.5);
    writeSafetensors(path, { w: { shape: [1000], data: small } });
    expect(() => writeSafetensors(path, { w: { shape: [100_000], data: new Float32Array(100_000) } })).toThrow(`ENOSPC: no space left on device, write '${path}'`);
    expect(readdirSync(dir)).toEqual(['last.safetensors']);
    expect(readSafetensors(path).tensors.w.data).toEqual(small);
  });

  it('saveModel throws ENOSPC and leaves neither the .onnx nor its .data file', (ctx) => {
    const dir = smallDisk(ctx);
    if (!dir) return;
    for (const threshold of [1024, Number.POSITIVE_INFINITY]) { // external data, and all inline
      const g = new Graph('big');
      const x = g.input('x', 'float32', [1, 512]);
      const w = g.constant(Float32Array.from({ length: 512 * 100 }, (_, i) => Math.sin(i)), 'float32', [512, 100], 'w');
      g.output(o.reduceSum(o.matmul(x, w), [1]), 'y');
      expect(() => saveModel(g, join(dir, 'model.onnx'), { externalThreshold: threshold })).toThrow(`'${join(dir, 'model.onnx')}'`);
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});
