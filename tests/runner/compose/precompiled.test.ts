// The built-in schemas' validators that `npm run build` precompiles (scripts/precompile-validators.mjs):
// made from the schemas as they are, and giving the verdicts the validators compiled at run time give.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import '../../../runner/tasks/builtin.js';
import { compose } from '../../../runner/compose/index.js';
import { builtinSchemas, schemaCompiler, schemasHash } from '../../../runner/compose/validate.js';
import { planJobs } from '../../../runner/launch/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const FILE = join(ROOT, 'dist', 'runner', 'compose', 'validators.precompiled.cjs');
const built = existsSync(FILE);

describe.skipIf(!built)('precompiled validators (dist/: run npm run build first)', () => {
  const m = built ? (createRequire(import.meta.url)(FILE) as { ids: Record<string, string>; hash: string } & Record<string, ValidateFunction>) : null;

  it('are made from the schemas in the sources (a stale build is not used: the hash differs)', () => {
    expect(m!.hash).toBe(schemasHash());
    expect(Object.values(m!.ids).sort()).toEqual(builtinSchemas().map((s) => s.$id).sort());
  });

  it('accept and refuse what the validators compiled at run time do', () => {
    const spec = planJobs(['budget=2m', 'horizon=h3'], { multirun: false, zip: [], configDir: join(ROOT, 'conf'), configName: 'config', compose }).jobs[0]!.config as Record<string, Record<string, unknown>>;
    const variants: [string, unknown][] = [
      ['ladder/spec', spec],
      ['ladder/spec', { ...spec, trainer: { ...spec.trainer, lr: 'fast' } }],
      ['ladder/spec', { ...spec, trainer: { ...spec.trainer, lr_typo: 1 } }],
      ['ladder/spec', { ...spec, model: { ...spec.model, d_model: undefined } }],
      ['ladder/trainer', spec.trainer],
      ['ladder/trainer', { ...spec.trainer, batch_size: 'auto' }],
      ['ladder/trainer', { ...spec.trainer, batch_size: 'big' }],
      ['ladder/model', spec.model],
      ['ladder/model', { ...spec.model, norm: 'group' }],
      ['ladder/data', spec.data],
      ['ladder/data', { ...spec.data, extra: true }],
    ];
    const runtime = schemaCompiler({ allErrors: false, strict: true });
    const byId = Object.fromEntries(Object.entries(m!.ids).map(([name, id]) => [id, m![name]!]));
    const verdicts = variants.map(([id, value]) => [byId[id]!(JSON.parse(JSON.stringify(value))), runtime.getSchema(id)!(JSON.parse(JSON.stringify(value)))]);
    expect(verdicts.map(([pre]) => pre)).toEqual([true, false, false, false, true, true, false, true, false, true, false]);
    expect(verdicts.map(([pre, run]) => pre === run)).toEqual(variants.map(() => true));
  });
});
