export { slurmConfig, type SlurmConfig } from './config.js';
export { SlurmLauncher, resumedJob, type Submission } from './launcher.js';
export { accounted, queued, sbatch, scancel, SlurmError, type TaskState } from './scheduler.js';
