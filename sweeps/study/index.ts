export { Study, type StudySpec, type TrialRecord } from './study.js';
export { spaceText, StudyError, studySpace } from './space.js';
export { bestTrial, objectiveValue, orient, shownValue, trialEnd, type TrialEnd } from './trials.js';
export { readStudyFile, STUDIES_DIR, STUDY_FILE, studyDir, writeStudyFile, type StudyFile } from './file.js';
