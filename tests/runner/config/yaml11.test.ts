// Config files are YAML as OmegaConf 2.3 reads it: PyYAML's YAML 1.1 rules, OmegaConf's float rule
// and no timestamps. Each YAML 1.1 vs 1.2 difference listed in docs/configuration.md is one case here,
// with the value (and Python type) OmegaConf gives; the Hydra replay (compose/hydra-trees) checks the
// same against real Hydra 1.3.2 output.
import { describe, expect, it } from 'vitest';
import { configRepository } from '../../../runner/config/index.js';
import { pyTypeOf } from '../../../runner/overrides/index.js';
import { parseConfigYaml, stringifyConfig } from '../../../runner/yaml/index.js';
import { confDir } from '../compose/conf-dir.js';

/** Loads `value: <text>` from a config file through the repository, as composition does. */
function read(text: string): unknown {
  const dir = confDir({ 'config.yaml': `value: ${text}\n` });
  return (configRepository(dir).load('config')!.content as { value: unknown }).value;
}

const typed = (text: string) => {
  const value = read(text);
  return [pyTypeOf(value), typeof value === 'object' && value !== null ? String(value) : value];
};

describe('YAML 1.1 scalars, as OmegaConf 2.3 reads them (docs/configuration.md)', () => {
  // [YAML text, Python type, value] — the YAML 1.2 core schema reads each of these differently
  const cases: Array<[string, string, unknown]> = [
    // ints: underscores, C-style octal, binary, base 60
    ['55_000', 'int', 55000],
    ['-1_000', 'int', -1000],
    ['017', 'int', 15],
    ['0o17', 'str', '0o17'],
    ['0b101', 'int', 5],
    ['0x1F', 'int', 31],
    ['1:30', 'int', 90],
    ['08', 'str', '08'],
    // floats: OmegaConf's rule (1e3 without a dot), base 60, whole numbers stay floats
    ['1.0', 'float', '1.0'],
    ['1.', 'float', '1.0'],
    ['1e3', 'float', '1000.0'],
    ['1E3', 'float', '1000.0'],
    ['1_000.5', 'float', 1000.5],
    ['.5', 'float', 0.5],
    ['-.5', 'str', '-.5'],
    ['1:30.5', 'float', 90.5],
    ['.inf', 'float', Infinity],
    ['-.Inf', 'float', -Infinity],
    ['.NaN', 'float', NaN],
    // booleans: PyYAML's list, in three spellings each; y and n are strings
    ['yes', 'bool', true],
    ['No', 'bool', false],
    ['ON', 'bool', true],
    ['off', 'bool', false],
    ['TRUE', 'bool', true],
    ['y', 'str', 'y'],
    ['n', 'str', 'n'],
    ['yEs', 'str', 'yEs'],
    // nulls
    ['~', 'NoneType', null],
    ['Null', 'NoneType', null],
    ['NULL', 'NoneType', null],
    ['', 'NoneType', null],
    // timestamps: OmegaConf drops the rule, so a date stays a string (it has no date type)
    ['2024-01-01', 'str', '2024-01-01'],
    ['2024-01-01 12:30:00', 'str', '2024-01-01 12:30:00'],
    // quoting keeps a string
    ['"1.0"', 'str', '1.0'],
    ["'55_000'", 'str', '55_000'],
    ['"yes"', 'str', 'yes'],
    // explicit tags
    ['!!float 1', 'float', '1.0'],
    ['!!str on', 'str', 'on'],
  ];
  for (const [text, type, value] of cases) {
    it(`${text || '(empty)'} is the ${type} ${String(value)}`, () => {
      expect(typed(text)).toEqual([type, value]);
    });
  }

  it('reads mapping keys by the same rules; a JavaScript key is the str() of the YAML 1.1 key', () => {
    const dir = confDir({ 'config.yaml': 'on: push\noff: pull\n2: two\n1.5: half\n0x10: hex\n2024-01-01: day\n' });
    expect(configRepository(dir).load('config')!.content).toEqual({ true: 'push', false: 'pull', 2: 'two', '1.5': 'half', 16: 'hex', '2024-01-01': 'day' });
  });

  it('refuses a duplicate key with OmegaConf\'s message, naming file and line', () => {
    const dir = confDir({ 'config.yaml': 'a: 1\nb: 2\na: 3\n' });
    expect(() => configRepository(dir).load('config')).toThrow(/config\.yaml:3: found duplicate key a: .*delete one/);
  });

  it('keeps merge keys (<<), which YAML 1.1 has', () => {
    const dir = confDir({ 'config.yaml': 'base: &b {lr: 1.0, wd: 0}\nrun:\n  <<: *b\n  wd: 0.1\n' });
    const run = (configRepository(dir).load('config')!.content as { run: Record<string, unknown> }).run;
    expect([String(run.lr), pyTypeOf(run.lr), run.wd]).toEqual(['1.0', 'float', 0.1]);
  });

  it('writes YAML that reads back to the same values and types (config.yaml, --cfg)', () => {
    const text = 'f: 1.0\nz: -0.0\nbig: 1e16\ni: 1\ns1: "yes"\ns2: "017"\ns3: "1:30"\ns4: "1e3"\ns5: "1.0"\nn: null\ninf: -.inf\nd: 2024-01-01\n';
    const value = parseConfigYaml(text, 'x.yaml') as Record<string, unknown>;
    const written = stringifyConfig(value);
    expect(written).toContain('f: 1.0\n');
    expect(written).toContain('z: -0.0\n');
    expect(written).toContain('big: 1e+16\n');
    expect(written).toContain('s1: "yes"\n');
    const back = parseConfigYaml(written, 'y.yaml') as Record<string, unknown>;
    const types = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, [pyTypeOf(x), String(x)]]));
    expect(types(back)).toEqual(types(value));
  });
});
