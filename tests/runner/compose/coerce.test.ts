// OmegaConf converts an interpolation's resolved string to a typed node's type: `d_model: ${oc.env:D,8}` is 8,
// `revin: ${oc.env:R,false}` is false. Ladder's typed nodes are its schemas' integer/number/boolean keys.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { confDir } from './conf-dir.js';

const configDir = path.resolve('conf');
const run = (...overrides: string[]) => compose({ configDir, configName: 'config', overrides });
const set: string[] = [];
function setEnv(name: string, value: string) {
  process.env[name] = value;
  set.push(name);
}
afterEach(() => set.splice(0).forEach((name) => delete process.env[name]));

describe('an interpolation into a schema-typed key', () => {
  it('gives the key its type, from the variable or from the default', () => {
    setEnv('LADDER_T_D', '16');
    const { config, stored } = run('model.d_model=${oc.env:LADDER_T_D,8}', 'model.n_heads=${oc.env:LADDER_T_UNSET,2}',
      'trainer.lr=${oc.env:LADDER_T_UNSET,1e-3}', 'model.revin=${oc.env:LADDER_T_UNSET,false}');
    expect(config.model).toMatchObject({ d_model: 16, n_heads: 2, revin: false });
    expect(config.trainer.lr).toBe(0.001);
    expect((stored.model as Record<string, unknown>).d_model).toBe('${oc.env:LADDER_T_D,8}'); // an environment value is never stored
  });

  it('refuses a string that does not convert, naming the key and the value', () => {
    expect(() => run('model.d_model=${oc.env:LADDER_T_UNSET,eight}')).toThrow("model.d_model: expected an integer >= 1, got 'eight' (string)");
    expect(() => run('model.d_model=${oc.env:LADDER_T_UNSET,8.5}')).toThrow(/model\.d_model: expected an integer >= 1, got '8\.5'/);
  });

  it('leaves a key its schema lets be a string, and keys no schema types, as strings', () => {
    const dir = confDir({
      'config.yaml': 'defaults:\n  - db: mysql\n  - _self_\nfree: ${oc.env:LADDER_T_UNSET,7}\n',
      'db.schema.json': JSON.stringify({ type: 'object', properties: { port: { type: 'integer' }, user: { type: 'string' }, ssl: { type: ['boolean', 'null'] } } }),
      'db/mysql.yaml': 'port: ${oc.env:LADDER_T_UNSET,3306}\nuser: ${oc.env:LADDER_T_UNSET,1000}\nssl: ${oc.env:LADDER_T_UNSET,yes}\n',
    });
    const { config } = compose({ configDir: dir, configName: 'config', overrides: [] }) as unknown as { config: Record<string, any> };
    expect(config.db).toEqual({ port: 3306, user: '1000', ssl: true });
    expect(config.free).toBe('7');
  });
});
