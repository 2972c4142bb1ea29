// The study's levels (upper boundary inclusive: exactly 70 °C is acceptable), and thresholds that must
// ascend, refused when the jobs are planned with one line naming the key.
import { describe, expect, it } from 'vitest';
import { checkThresholds, levelOf } from '../../../runner/monitor/index.js';
import { compose } from '../../../runner/compose/index.js';
import { planJobs } from '../../../runner/launch/index.js';
import '../../../runner/tasks/builtin.js';
import { CONF } from '../tasks/train/helpers.js';

const STUDY = { acceptable: 70, warning: 85, critical: 95 };

describe('thermal levels', () => {
  it('normal < 70, acceptable 70–85, warning 85–95, critical ≥ 95, each threshold in the level it begins', () => {
    expect([0, 69.9, 70, 84.99, 85, 94.9, 95, 120].map((t) => levelOf(t, STUDY))).toEqual([
      'normal', 'normal', 'acceptable', 'acceptable', 'warning', 'warning', 'critical', 'critical',
    ]);
  });

  it('follow configured thresholds', () => {
    expect(levelOf(80, { acceptable: 50, warning: 60, critical: 80 })).toBe('critical');
  });
});

describe('threshold validation', () => {
  it('accepts ascending thresholds and refuses others, naming the key out of order', () => {
    expect(() => checkThresholds(STUDY)).not.toThrow();
    expect(() => checkThresholds({ ...STUDY, warning: 96 })).toThrow(
      'monitor.thresholds.critical=95 is not above monitor.thresholds.warning=96: the thresholds must ascend (acceptable < warning < critical). Fix: raise monitor.thresholds.critical or lower monitor.thresholds.warning',
    );
    expect(() => checkThresholds({ ...STUDY, acceptable: 85 })).toThrow(/^monitor\.thresholds\.warning=85 is not above monitor\.thresholds\.acceptable=85/);
  });

  const plan = (overrides: string[]) => planJobs(overrides, { multirun: false, configDir: CONF, configName: 'config', compose });

  it('a config with thresholds out of order is refused when the jobs are planned, before any starts', () => {
    expect(() => plan(['monitor.thresholds.warning=99'])).toThrow(/^monitor\.thresholds\.critical=95 is not above monitor\.thresholds\.warning=99: /);
    expect(plan(['monitor.thresholds.warning=90']).jobs[0]!.config).toMatchObject({ monitor: { thresholds: { acceptable: 70, warning: 90, critical: 95 } } });
  });

  it('the schema refuses a policy or interval it does not know, naming the key', () => {
    expect(() => plan(['monitor.on_unreadable=stop'])).toThrow("monitor.on_unreadable: expected one of 'pause', 'warn', 'ignore', got 'stop' (string)");
    expect(() => plan(['monitor.log_every_s=0'])).toThrow('monitor.log_every_s: expected a number > 0, got 0 (integer)');
  });

  it('monitor=disabled turns it off; the default is on for task=train', () => {
    expect(plan([]).jobs[0]!.config).toMatchObject({ monitor: { name: 'default', enabled: true, log_every_s: 300, on_unreadable: 'warn' } });
    expect(plan(['monitor=disabled']).jobs[0]!.config).toMatchObject({ monitor: { name: 'disabled', enabled: false } });
  });
});
