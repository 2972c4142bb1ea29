// A user's own config dir: groups Ladder knows nothing of, each checked against the JSON Schema the
// dir brings beside it (<group>.schema.json), and the spec a task declares when it declares one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearConfigCache, compose } from '../../../runner/compose/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import '../../../runner/tasks/builtin.js';

let dir: string;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};
const run = (...overrides: string[]) => compose({ configDir: dir, configName: 'config', overrides }).config as any;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-user-conf-'));
  write('config.yaml', 'defaults:\n  - db: mysql\n  - db@replica: mysql\n  - app: web\n  - task: echo\n  - _self_\nretries: 3\n');
  write('db/mysql.yaml', 'driver: mysql\nhost: localhost\nport: 3306\n');
  write('db/pg.yaml', 'driver: pg\nhost: localhost\nport: 5432\n');
  write('db.schema.json', JSON.stringify({
    type: 'object', additionalProperties: false, required: ['driver', 'host', 'port'],
    properties: { driver: { enum: ['mysql', 'pg'] }, host: { type: 'string' }, port: { type: 'integer', minimum: 1 } },
  }, null, 2));
  write('app/web.yaml', 'name: web\nworkers: 4\n'); // no schema: any keys
  write('task/echo.yaml', 'name: echo\n');
  write('task/fit.yaml', 'name: fit\n');
  write('task/train.yaml', 'name: train\n');
  registerTask('fit', async () => undefined, {
    spec: { type: 'object', required: ['seed', 'db'], properties: { seed: { type: 'integer' }, db: { type: 'object' } } },
  });
  registerTask('loose', async () => undefined);
  write('task/loose.yaml', 'name: loose\n');
});
afterAll(() => {
  unregisterTask('fit');
  unregisterTask('loose');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a user's own config dir", () => {
  it('composes groups of its own, with no seed and no trainer, for a task that declares no spec', () => {
    expect(run()).toEqual({
      db: { driver: 'mysql', host: 'localhost', port: 3306 },
      replica: { driver: 'mysql', host: 'localhost', port: 3306 },
      app: { name: 'web', workers: 4 },
      task: { name: 'echo' },
      retries: 3,
    });
    expect(run('task=loose', 'db=pg').db.port).toBe(5432);
  });

  it("checks each group against the schema beside it, at every package it is placed at", () => {
    expect(() => run('db.port=abc')).toThrow("db.port: expected an integer >= 1, got 'abc' (string)");
    expect(() => run('db@replica=pg', 'replica.driver=oracle')).toThrow("replica.driver: expected one of 'mysql', 'pg', got 'oracle' (string)");
    expect(() => run('~db.host')).toThrow("Missing key 'db.host'. Add it to the config file or set it with +db.host=<value>");
  });

  it('keeps struct mode for the keys a schema declares, and none where there is no schema', () => {
    write('db/typo.yaml', 'driver: mysql\nhostt: localhost\nport: 3306\nhost: x\n');
    expect(() => run('db=typo')).toThrow(/^\S*db\/typo\.yaml:2: Unknown key 'db\.hostt': not in the schema for 'db'\. Did you mean 'db\.host'\?/);
    expect(run('+app.threads=2').app.threads).toBe(2);
  });

  it('lets a schema refer to the schemas Ladder ships by $id', () => {
    write('horizon/h2.yaml', 'name: h2\ndays: two\n');
    write('horizon.schema.json', '{ "$ref": "ladder/horizon" }\n');
    expect(() => run('+horizon=h2')).toThrow("horizon.days: expected an integer >= 1, got 'two' (string)");
  });

  it('reports a broken schema file with file and line', () => {
    write('app.schema.json', '{\n  "type": "object",\n  "properties": {\n}\n');
    try {
      expect(() => run()).toThrow(/app\.schema\.json:\d+: /);
      write('app.schema.json', '{ "type": "objekt" }\n');
      expect(() => run()).toThrow(/app\.schema\.json: not a valid JSON Schema: /);
    } finally {
      fs.rmSync(path.join(dir, 'app.schema.json'));
      clearConfigCache();
    }
  });

  it('checks the spec a task declares: a task that needs a seed refuses a tree without one', () => {
    expect(() => run('task=fit')).toThrow("Missing key 'seed'. Add it to the config file or set it with +seed=<value>");
    expect(run('task=fit', '+seed=1').seed).toBe(1);
  });

  it('task=train still refuses a config it cannot train, naming the first key it cannot take and the file that set it', () => {
    expect(() => run('task=train')).toThrow(/^\S*db\/mysql\.yaml: Unknown key 'db': not in the schema for '<top level>'\./);
  });
});

describe("Ladder's shipped groups keep their schemas, whatever the task", () => {
  const shipped = (...overrides: string[]) => compose({ configDir: path.resolve('conf'), configName: 'config', overrides });

  it('ships <group>.schema.json beside every group, each a reference to its schema in schemas/', () => {
    for (const group of ['model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data', 'task', 'monitor']) {
      expect(JSON.parse(fs.readFileSync(path.resolve('conf', `${group}.schema.json`), 'utf8'))).toEqual({ $ref: `ladder/${group}` });
    }
  });

  it('checks them under task=echo too, which declares no spec', () => {
    expect(() => shipped('task=echo', 'model.norm=group')).toThrow("model.norm: expected one of 'batch', 'layer', got 'group' (string)");
    expect(() => shipped('task=echo', '+trainer.foo=1')).toThrow(/^'\+trainer\.foo=1' on the command line: Unknown key 'trainer\.foo': not in the schema for 'trainer'\./);
    expect(shipped('task=echo').config.task.name).toBe('echo');
  });
});
