// Behaviour Ladder users rely on beyond Hydra's own suite: the values our config groups and
// sweeps use, the errors for common typos, and applying overrides to a struct-mode config.
import { describe, expect, test } from 'vitest';
import {
  ConfigOverrideError, OverrideParseError, applyOverrides, checkSweepsAllowed, isSweep,
  overrideValue, parseOverride, parseOverrides, sweepStrings, valueElementAsStr,
} from '../../../runner/overrides/index.js';

const value = (text: string) => overrideValue(parseOverride(text));

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('values', () => {
  test('dates and times stay strings', () => {
    expect(value('split.train_end=2016-12-31')).toBe('2016-12-31');
    expect(value('split.val_end=2019-01-05')).toBe('2019-01-05');
    expect(value('t=12:30')).toBe('12:30');
  });

  test('numbers are typed like Python: exponents and underscores, int vs float kept at parser level', () => {
    expect(value('lr=1e-3')).toBe(0.001);
    expect(value('lr=0.8e-3')).toBe(0.0008);
    expect(value('params=2_000_000')).toBe(2_000_000);
    const o = parseOverride('epochs=50');
    expect(o.value).toBe(50n);
    expect(parseOverride('tolerance=50.0').value).toBe(50);
    expect(value('x=-inf')).toBe(-Infinity);
    expect(value('x=NaN')).toBeNaN();
  });

  test('booleans are case-insensitive, null is null, quoting keeps text as text', () => {
    expect(value('revin=True')).toBe(true);
    expect(value('revin=FALSE')).toBe(false);
    expect(value('trainer.max_steps=null')).toBe(null);
    expect(value("trainer.max_steps='null'")).toBe('null');
    expect(value("x='1,2,3'")).toBe('1,2,3');
  });

  test('interpolations are kept as strings for the resolver', () => {
    expect(value('x=${model.d_model}')).toBe('${model.d_model}');
    expect(value('x=${oc.env:HOME,/tmp}')).toBe('${oc.env:HOME,/tmp}');
    expect(value('run_dir=outputs/${now:%Y-%m-%d}')).toBe('outputs/${now:%Y-%m-%d}');
  });

  test('lists and dicts become plain config values', () => {
    expect(value('trainer.betas=[0.9,0.95]')).toEqual([0.9, 0.95]);
    expect(value('trainer.early_stopping={patience:5, min_delta:0.001}')).toEqual({ patience: 5, min_delta: 0.001 });
    expect(value('x=[]')).toEqual([]);
  });

  test('escaped special characters are literal', () => {
    expect(value('x=a\\,b')).toBe('a,b');
    expect(value('x=f\\(1\\)')).toBe('f(1)');
  });

  test('floats render as Python prints them (shortest round-trip, exponent outside 1e-4..1e16)', () => {
    const python: [number, string][] = [
      [1e-5, '1e-05'], [0.0001, '0.0001'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [0.1 + 0.2, '0.30000000000000004'],
      [1.5e-7, '1.5e-07'], [-0, '-0.0'], [123456789, '123456789.0'], [Infinity, 'inf'], [NaN, 'nan'],
    ];
    for (const [x, text] of python) expect(valueElementAsStr(x)).toBe(text);
    expect(valueElementAsStr(10n)).toBe('10');
    expect(valueElementAsStr(true)).toBe('True');
  });

  test('rendered values parse back to the same value', () => {
    for (const text of ["x='a b'", 'x=[1,2.5,true,null]', 'x={a:[1,{b:c}]}', 'x=a\\,b', "x='it\\'s'", 'x=1e-05']) {
      const o = parseOverride(text);
      expect(parseOverride(`x=${valueElementAsStr(o.value)}`).value).toEqual(o.value);
    }
  });
});

describe('sweeps', () => {
  test('budget=2m,20m is a simple sweep with one value per job', () => {
    const o = parseOverride('budget=2m,20m');
    expect(o.valueType).toBe('simple_choice_sweep');
    expect(isSweep(o)).toBe(true);
    expect(sweepStrings(o)).toEqual(['2m', '20m']);
  });

  test('range() follows Python: stop exclusive, float steps exact', () => {
    expect(sweepStrings(parseOverride('seed=range(3)'))).toEqual(['0', '1', '2']);
    expect(sweepStrings(parseOverride('lr=range(0.25,1,0.25)'))).toEqual(['0.25', '0.5', '0.75']);
    expect(sweepStrings(parseOverride('x=range(5,0,-2)'))).toEqual(['5', '3', '1']);
  });

  test('choice, sort and casts give typed job values', () => {
    expect(sweepStrings(parseOverride('x=sort(3,1,2,reverse=true)'))).toEqual(['3', '2', '1']);
    expect(sweepStrings(parseOverride('x=float(1,2)'))).toEqual(['1.0', '2.0']);
    // choice() receives plain strings, so a space is escaped in the job's override text.
    const jobValues = sweepStrings(parseOverride("x=choice('a b',[1,2])"));
    expect(jobValues).toEqual(['a\\ b', '[1,2]']);
    expect(jobValues.map((v) => value(`x=${v}`))).toEqual(['a b', [1, 2]]);
  });

  test('glob() selects among a group\'s options', () => {
    const o = parseOverride('budget=glob(*m,exclude=200m)');
    expect(sweepStrings(o, { groupOptions: ['2m', '20m', '200m', '2b'] })).toEqual(['2m', '20m']);
  });

  test('interval() is for samplers: enumerating it fails with a clear reason', () => {
    const o = parseOverride('lr=interval(1e-4,1e-2)');
    expect(o.valueType).toBe('interval_sweep');
    expect(errorOf(() => sweepStrings(o)).message).toMatch(/only a sampler/);
  });

  test('a sweep outside --multirun is refused with the fix', () => {
    const e = errorOf(() => checkSweepsAllowed(parseOverrides(['budget=2m,20m']), { multirun: false }));
    expect(e.message).toContain("Ambiguous value for argument 'budget=2m,20m'");
    expect(e.message).toContain('add --multirun');
    expect(() => checkSweepsAllowed(parseOverrides(['budget=2m,20m']), { multirun: true })).not.toThrow();
    expect(errorOf(() => value('budget=2m,20m'))).toBeInstanceOf(OverrideParseError);
  });
});

describe('errors for common typos name the input and say what to do', () => {
  const message = (text: string) => {
    const e = errorOf(() => parseOverride(text));
    expect(e).toBeInstanceOf(OverrideParseError);
    expect(e.message).toContain(`'${text}'`);
    expect(e.message).not.toContain('\n');
    return e.message;
  };

  test('missing =', () => expect(message('model')).toMatch(/needs '=': write model=<value>/));
  test('space around =', () => expect(message('budget =2m')).toMatch(/Keys cannot contain spaces/));
  test('unclosed quote', () => expect(message("x='abc")).toMatch(/Close the single quote/));
  test('unclosed bracket', () => expect(message('x=[1,2')).toMatch(/no viable alternative at input '\[1,2'.*brackets/));
  test('unknown function', () => expect(message('x=chioce(1,2)')).toMatch(/Unknown function 'chioce'.*Available: .*choice/));
  test('wrong argument type', () => expect(message('x=range(1,a)')).toMatch(/mismatch type argument stop: str/));
  test('empty choice', () => expect(message('x=choice()')).toMatch(/empty choice is not legal/));
});

describe('robustness', () => {
  const PIECES = ['a', '1', '0', '=', '+', '~', '@', ',', '(', ')', '[', ']', '{', '}', ':', "'", '"', '\\', ' ', '.',
    '-', '$', '${x}', 'choice', 'range', 'sort', 'int', 'str', 'glob', 'tag', 'shuffle', 'e', 'inf', 'null', 'true', '#'];

  test('any input either parses or fails with an OverrideParseError; accepted values render back to themselves', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let text = ['k=', '+k=', '++k=', '~k', 'a/b=', 'k@p='][Math.floor(random() * 6)];
      for (let n = Math.floor(random() * 10); n > 0; n--) text += PIECES[Math.floor(random() * PIECES.length)];
      let o;
      try {
        o = parseOverride(text);
      } catch (e) {
        expect(e, text).toBeInstanceOf(OverrideParseError);
        continue;
      }
      accepted++;
      if (o.valueType === 'element') {
        const rendered = (() => {
          try {
            return valueElementAsStr(o.value);
          } catch {
            return null; // a sweep nested in a list: covered below
          }
        })();
        if (rendered !== null) expect(parseOverride(`k=${rendered}`).value, text).toEqual(o.value);
      }
    }
    expect(accepted).toBeGreaterThan(300);
  });

  test('a sweep nested inside a value is reported against the override', () => {
    for (const text of ['x=choice(1,2),3', 'x=[choice(1,2)]']) {
      const o = parseOverride(text);
      const e = errorOf(() => (isSweep(o) ? sweepStrings(o) : overrideValue(o)));
      expect(e).toBeInstanceOf(OverrideParseError);
      expect(e.message).toContain('a sweep can only be the whole value');
    }
  });
});

describe('applyOverrides (struct mode)', () => {
  const config = { seed: 0, trainer: { lr: 0.001, epochs: 50, betas: [0.9, 0.95] }, data: { path: null } };

  test('changes existing keys and never mutates its input', () => {
    const before = structuredClone(config);
    const out = applyOverrides(config, ['trainer.lr=0.01', 'trainer.betas=[0.8,0.9]', 'data.path=x.csv']);
    expect(out.trainer).toEqual({ lr: 0.01, epochs: 50, betas: [0.8, 0.9] });
    expect(out.data).toEqual({ path: 'x.csv' });
    expect(config).toEqual(before);
  });

  test('an unknown key says to use + and suggests the nearest keys', () => {
    const e = errorOf(() => applyOverrides(config, ['trainer.lrr=0.01']));
    expect(e).toBeInstanceOf(ConfigOverrideError);
    expect(e.message).toBe(
      "Could not override 'trainer.lrr'. To append to your config use +trainer.lrr=0.01. Did you mean 'trainer.lr'?");
    expect(errorOf(() => applyOverrides(config, ['epochs=3'])).message).toContain("Did you mean 'trainer.epochs'?");
  });

  test('+ adds, refuses an existing key, ++ sets or adds with intermediate dicts', () => {
    expect(applyOverrides(config, ['+trainer.warmup=10']).trainer).toMatchObject({ warmup: 10 });
    expect(errorOf(() => applyOverrides(config, ['+seed=1'])).message)
      .toContain("Could not append to config. An item is already at 'seed'.");
    const out = applyOverrides(config, ['++seed=1', '++extra.nested.k=v']);
    expect(out.seed).toBe(1);
    expect(out.extra).toEqual({ nested: { k: 'v' } });
  });

  test('~ deletes, and ~key=value only when the value matches', () => {
    expect(applyOverrides(config, ['~trainer.betas']).trainer).toEqual({ lr: 0.001, epochs: 50 });
    expect(applyOverrides(config, ['~seed=0'])).not.toHaveProperty('seed');
    expect(errorOf(() => applyOverrides(config, ['~seed=1'])).message)
      .toBe("Could not delete from config. The value of 'seed' is 0 and not 1.");
    expect(errorOf(() => applyOverrides(config, ['~nope'])).message).toContain("'nope' does not exist");
  });

  test('a dict value merges into an existing dict; unknown nested keys are refused', () => {
    expect(applyOverrides(config, ['trainer={lr:0.1}']).trainer).toEqual({ lr: 0.1, epochs: 50, betas: [0.9, 0.95] });
    expect(errorOf(() => applyOverrides(config, ['trainer={lrr:0.1}'])).message).toContain("Could not override 'trainer.lrr'");
  });

  test('group-style keys with a package are not config keys', () => {
    expect(errorOf(() => applyOverrides(config, ['db@x=1'])).message).toContain("config group 'db' does not exist");
  });
});
