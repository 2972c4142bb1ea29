// Through `npx run` as a user types it: the end-of-run results table, and --resume of a run folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as run } from '../../../../runner/cli/run.js';
import { TINY } from './helpers.js';

let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-train-cli-'));
  fs.cpSync(path.resolve('conf'), path.join(project, 'conf'), { recursive: true });
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: project };
  return { code: await run(argv, io), stdout, stderr };
}

const ROW = /^0\s+completed\s+2,193\s+(0\.\d{4})\s+(0\.\d{4})\s+(outputs\/\S+)$/m;

describe('npx run with task=train', () => {
  it('ends with a table of status, params, best val loss, test AUC and folder; --resume continues that folder', async () => {
    const first = await cli('trainer=smoke', ...TINY);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^job\s+status\s+params\s+best_val_loss\s+test_auc\s+folder$/m);
    const [, bestVal, auc, folder] = ROW.exec(first.stdout)!;

    const again = await cli('--resume', folder!);
    expect(again.code).toBe(0);
    const [, bestVal2, auc2, folder2] = ROW.exec(again.stdout)!;
    expect([bestVal2, auc2]).toEqual([bestVal, auc]);
    expect(folder2).not.toBe(folder);
    const config = parse(fs.readFileSync(path.join(project, folder2!, 'config.yaml'), 'utf8'));
    expect(config.trainer.resume).toBe(path.join(project, folder!));
    expect(config.model.d_model).toBe(8); // the resumed folder's own overrides apply again
  });

  it('refuses --resume of a folder that is not a run, and with --multirun', async () => {
    const notRun = await cli('--resume', 'conf');
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/^Error: --resume conf: neither a run folder \(run.json and overrides.yaml\) nor a sweep folder \(multirun.yaml\)/);
    const multi = await cli('-m', '--resume', 'conf');
    expect(multi.stderr).toBe('Error: --resume of a run folder continues one run: drop --multirun (a sweep folder, with multirun.yaml, resumes the whole sweep)\n');
  });
});
