// The report files a trial's process writes and every trial's process reads: one line per report, an end
// line, orientation, torn lines, continued trials, and the pruner asked from them.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendReport, endReport, readReports, readTrialReports, reportAndShouldPrune, reportPath, trialStateOf, type TrialLink,
} from '../../../sweeps/pruners/index.js';

const link = (dir: string, number: number, extra: Partial<TrialLink> = {}): TrialLink => ({
  study: 's1', number, dir, objective: 'val_loss', direction: 'minimize',
  pruner: { name: 'median', n_startup_trials: 2, n_warmup_steps: 0, interval_steps: 1 }, ...extra,
});
const studyDir = () => join(mkdtempSync(join(tmpdir(), 'ladder-reports-')), 'study-0');

describe('report files', () => {
  it('writes <dir>/<number>.jsonl with one {step, value} line per report and an end line', () => {
    const dir = studyDir();
    appendReport(link(dir, 3), 10, 0.7);
    appendReport(link(dir, 3), 20, 0.6);
    endReport(link(dir, 3), 'complete');
    expect(readFileSync(join(dir, '3.jsonl'), 'utf8')).toBe('{"step":10,"value":0.7}\n{"step":20,"value":0.6}\n{"end":"complete"}\n');
    expect(reportPath(link(dir, 3))).toBe(join(dir, '3.jsonl'));
  });

  it('reads every trial back as a StudyTrial: intermediate values, state from the end line, value', () => {
    const dir = studyDir();
    appendReport(link(dir, 1), 10, 0.9);
    appendReport(link(dir, 1), 20, 0.95);
    endReport(link(dir, 1), 'pruned');
    appendReport(link(dir, 0), 10, 0.8);
    appendReport(link(dir, 0), 20, 0.5);
    appendReport(link(dir, 0), 30, 0.55);
    endReport(link(dir, 0), 'complete');
    appendReport(link(dir, 2), 10, 0.85);
    appendReport(link(dir, 4), 10, NaN);
    endReport(link(dir, 4), 'failed');
    writeFileSync(join(dir, 'notes.txt'), 'not a report');
    expect(readReports(dir)).toEqual([
      { number: 0, state: 'complete', params: {}, value: 0.5, intermediate: [[10, 0.8], [20, 0.5], [30, 0.55]] },
      { number: 1, state: 'pruned', params: {}, value: 0.95, intermediate: [[10, 0.9], [20, 0.95]] },
      { number: 2, state: 'running', params: {}, value: null, intermediate: [[10, 0.85]] },
      { number: 4, state: 'failed', params: {}, value: null, intermediate: [[10, NaN]] },
    ]);
    expect(readReports(join(dir, 'none'))).toEqual([]);
    expect(readTrialReports(dir, 7)).toBeNull();
  });

  it('orients a maximized objective lower-is-better', () => {
    const dir = studyDir();
    appendReport(link(dir, 0, { direction: 'maximize' }), 5, 0.75);
    expect(readTrialReports(dir, 0)!.intermediate).toEqual([[5, -0.75]]);
  });

  it('skips a line torn by a killed writer, and the next writer starts on a line of its own', () => {
    const dir = studyDir();
    appendReport(link(dir, 0), 10, 0.8);
    appendFileSync(join(dir, '0.jsonl'), '{"step":20,"val');
    appendReport(link(dir, 0), 20, 0.7);
    expect(readTrialReports(dir, 0)!.intermediate).toEqual([[10, 0.8], [20, 0.7]]);
  });

  it('treats a report after an end line as a continued trial (running again), a step reported twice keeping its latest value', () => {
    const dir = studyDir();
    appendReport(link(dir, 0), 10, 0.8);
    appendReport(link(dir, 0), 20, 0.7);
    endReport(link(dir, 0), 'failed');
    appendReport(link(dir, 0), 20, 0.65);
    const t = readTrialReports(dir, 0)!;
    expect(t.state).toBe('running');
    expect(t.intermediate).toEqual([[10, 0.8], [20, 0.65]]);
  });

  it('maps a run status to the end line: interrupted (it may continue) writes none', () => {
    expect(['completed', 'pruned', 'failed', 'skipped', 'lost', 'interrupted'].map(trialStateOf)).toEqual(['complete', 'pruned', 'failed', 'failed', 'failed', null]);
  });
});

describe('reportAndShouldPrune', () => {
  it('records the report, then asks the study\'s pruner with every other trial\'s reports', () => {
    const dir = studyDir();
    for (const [n, v] of [[0, 0.5], [1, 0.6]] as const) {
      appendReport(link(dir, n), 10, v);
      endReport(link(dir, n), 'complete');
    }
    expect(reportAndShouldPrune(link(dir, 2), 10, 0.9)).toBe(true); // 0.9 > median 0.55
    expect(reportAndShouldPrune(link(dir, 3), 10, 0.52)).toBe(false);
    expect(readTrialReports(dir, 2)!.intermediate).toEqual([[10, 0.9]]);
    // a maximized objective: 0.9 is good
    expect(reportAndShouldPrune(link(dir, 4, { direction: 'maximize' }), 10, 0.9)).toBe(false);
  });
});
