// The shipped model configs compose to the study's architectures and the paper's defaults.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { countParams } from '../../../engine/models/index.js';
import { main } from '../../../runner/cli/run.js';
import { compose } from '../../../runner/compose/index.js';

const configDir = path.resolve('conf');
const modelOf = (...overrides: string[]) => compose({ configDir, configName: 'config', overrides }).config.model;

/** The study's patchtst_mix architecture per budget and its published count at 20 features. */
const STUDY_MIX = {
  '2m': { arch: { d_model: 192, n_heads: 6, n_layers: 4, d_ff: 768 }, params: 1_822_657 },
  '20m': { arch: { d_model: 512, n_heads: 8, n_layers: 6, d_ff: 2048 }, params: 19_029_505 },
  '200m': { arch: { d_model: 1024, n_heads: 16, n_layers: 16, d_ff: 4096 }, params: 201_769_985 },
};

describe('model=patchtst_mix follows the budget', () => {
  it.each(Object.entries(STUDY_MIX))("budget=%s composes the study's architecture and its published count", (budget, study) => {
    for (const horizon of ['h1', 'h3', 'h5']) {
      const model = modelOf('model=patchtst_mix', `budget=${budget}`, `horizon=${horizon}`);
      expect(model).toMatchObject(study.arch);
      expect(countParams(model, 20)).toBe(study.params);
    }
  });

  it('budget=2b composes an architecture whose count is inside the budget tolerance', () => {
    const { config } = compose({ configDir, configName: 'config', overrides: ['model=patchtst_mix', 'budget=2b'] });
    expect(config.model).toMatchObject({ d_model: 2048, n_heads: 32, n_layers: 40, d_ff: 8192 });
    for (const channels of [20, 25]) {
      const n = countParams(config.model, channels);
      expect(Math.abs(n - config.budget.params) / config.budget.params).toBeLessThanOrEqual(config.budget.tolerance);
    }
  });

  it('a key override still wins over the budget table', () => {
    expect(modelOf('model=patchtst_mix', 'budget=20m', 'model.d_model=256')).toMatchObject({ d_model: 256, n_heads: 8 });
  });

  it('`npx run --cfg job --resolve -p model model=patchtst_mix budget=<b>` prints the study architecture', async () => {
    for (const [budget, study] of Object.entries(STUDY_MIX)) {
      let stdout = '';
      const code = await main(['--cfg', 'job', '--resolve', '-p', 'model', 'model=patchtst_mix', `budget=${budget}`], {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: () => undefined },
        env: {},
        cwd: path.resolve('.'),
      });
      expect(code).toBe(0);
      expect(stdout.startsWith('# @package model\n')).toBe(true);
      expect(parse(stdout)).toMatchObject({ name: 'patchtst_mix', ...study.arch });
    }
  });
});

describe('model defaults', () => {
  it("patchtst_mix is the study's model: no RevIN, one dropout on the attention output", () => {
    expect(modelOf('model=patchtst_mix')).toMatchObject({ revin: false, revin_affine: false, proj_dropout: 0, residual_attention: false, norm: 'layer' });
  });

  it("patchtst has the paper's defaults: residual attention, RevIN without affine, dropout in to_out and on the residual", () => {
    for (const budget of ['2m', '2b']) {
      const model = modelOf('model=patchtst', `budget=${budget}`);
      expect(model).toMatchObject({ residual_attention: true, revin: true, revin_affine: false, norm: 'batch', attn_dropout: 0, head_dropout: 0 });
      expect(model.dropout).toBeGreaterThan(0);
      expect(model.proj_dropout).toBe(model.dropout);
    }
    // the projection dropout follows model.dropout unless set on its own
    expect(modelOf('model.dropout=0.3')).toMatchObject({ dropout: 0.3, proj_dropout: 0.3 });
    expect(modelOf('model.proj_dropout=0')).toMatchObject({ dropout: 0.12, proj_dropout: 0 });
  });
});
