// study.json: a study's spec and trials in its report folder inside the sweep folder
// (<sweep>/studies/<index>/), rewritten whole (temporary file + rename) on every change, so that a
// driver killed at any point leaves the last complete state. The index mirrors it; `runs reindex` reads it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runner/outputs/index.js';
import type { StudySpec, TrialRecord } from './study.js';

export interface StudyFile {
  spec: StudySpec;
  /** Proposals the sampler rejected so far (they broke the constraint). */
  rejected: number;
  trials: TrialRecord[];
}

export const STUDY_FILE = 'study.json';
export const STUDIES_DIR = 'studies';

/** The report folder of study `index` in a sweep folder. */
export const studyDir = (sweepDir: string, index: number) => join(sweepDir, STUDIES_DIR, String(index));

export function readStudyFile(dir: string): StudyFile {
  return JSON.parse(readFileSync(join(dir, STUDY_FILE), 'utf8')) as StudyFile;
}

export function writeStudyFile(dir: string, file: StudyFile): void {
  writeFileAtomic(join(dir, STUDY_FILE), `${JSON.stringify(file, null, 1)}\n`);
}
