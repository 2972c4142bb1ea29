// What launcher=slurm asks SLURM for: the composed `launcher` node (conf/launcher/slurm.yaml, submitit's
// keys) becomes the array's #SBATCH lines. Needs no SLURM.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose, ConfigError } from '../../../../../runner/compose/index.js';
import { createLauncher } from '../../../../../runner/launch/launchers/index.js';
import { slurmConfig, SlurmLauncher } from '../../../../../runner/launch/launchers/slurm/index.js';
import { batchScript, sbatchOptions } from '../../../../../runner/launch/launchers/slurm/script.js';
import { planJobs } from '../../../../../runner/launch/plan.js';
import '../../../../../runner/tasks/builtin.js';

const configDir = path.resolve('conf');
const plan = (overrides: string[]) => planJobs(overrides, { multirun: true, configDir, configName: 'config', compose });

describe('the launcher=slurm config', () => {
  it('composes from conf/launcher/slurm.yaml and makes the SLURM launcher, its keys set with launcher.<key>', () => {
    const p = plan(['launcher=slurm', 'launcher.partition=gpu', 'launcher.time=30', 'launcher.array_parallelism=4', 'budget=2m,20m']);
    expect(p.launcher).toMatchObject({ name: 'slurm', partition: 'gpu', time: 30, cpus_per_task: 1, array_parallelism: 4, max_num_timeout: 3, wait: true });
    const launcher = createLauncher(p.launcher) as SlurmLauncher;
    expect(launcher).toBeInstanceOf(SlurmLauncher);
    expect(launcher.cfg.partition).toBe('gpu');
    // the jobs never see the launcher: their config, choices and overrides are the same as under local
    expect(p.jobs[0].overrides).toEqual(['budget=2m']);
    expect((p.jobs[0].config as Record<string, unknown>).launcher).toBeUndefined();
  });

  it('refuses a key submitit has but Ladder does not, and a wrong type, naming the place', () => {
    expect(() => plan(['launcher=slurm', '+launcher.nodes=2'])).toThrow(ConfigError);
    expect(() => plan(['launcher=slurm', '+launcher.nodes=2'])).toThrow(/Unknown key 'launcher.nodes'/);
    expect(() => plan(['launcher=slurm', 'launcher.cpus_per_task=0'])).toThrow('launcher.cpus_per_task: expected an integer >= 1, got 0 (integer)');
  });
});

describe('the sbatch script', () => {
  it('maps each key to its sbatch option, additional_parameters included', () => {
    const cfg = slurmConfig({
      partition: 'gpu', time: 90.5, cpus_per_task: 4, mem_gb: 7.5, gpus_per_node: 1, gres: 'gpu:a100:1', account: 'proj', qos: 'high', constraint: 'h100',
      additional_parameters: { exclusive: true, mail_type: 'END', nice: 0, hint: false }, signal_delay_s: 60,
    });
    expect(sbatchOptions(cfg, 'ladder-x')).toEqual([
      '--job-name=ladder-x', '--time=91', '--cpus-per-task=4', '--ntasks=1', '--signal=B:USR1@60', '--requeue', '--open-mode=append',
      '--partition=gpu', '--mem=7680M', '--gpus-per-node=1', '--gres=gpu:a100:1', '--account=proj', '--qos=high', '--constraint=h100',
      '--exclusive', '--mail-type=END', '--nice=0',
    ]);
    expect(sbatchOptions(slurmConfig(), 'j')).toEqual(['--job-name=j', '--time=60', '--cpus-per-task=1', '--ntasks=1', '--signal=B:USR1@120', '--requeue', '--open-mode=append']);
  });

  it('is one array of N tasks at most P at once, each running its own job file, malloc settings and setup lines first, requeues bounded', () => {
    const cfg = slurmConfig({ array_parallelism: 2, setup: ['module load nodejs/20', 'export X=1'], max_num_timeout: 2 });
    const env = { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '4294967296' };
    const text = batchScript(cfg, 'ladder-s', { root: '/o/s/slurm', cwd: '/w', child: ['/usr/bin/node', '/p/child.js'], env }, [0, 1, 2].map((index) => ({ index, dir: `/o/s/${index}` })), 'checkpoints/last.safetensors');
    expect(text).toMatch(/^#!\/bin\/bash\n/);
    expect(text).toContain('#SBATCH --array=0-2%2\n');
    expect(text).toContain('#SBATCH --output=/o/s/slurm/logs/%a.out\n');
    // the engine's malloc settings before the setup lines, which may change them
    expect(text.indexOf("export MALLOC_ARENA_MAX='1' MALLOC_TRIM_THRESHOLD_='4294967296'\n")).toBeGreaterThan(0);
    expect(text.indexOf('export MALLOC_ARENA_MAX')).toBeLessThan(text.indexOf('module load nodejs/20'));
    expect(text.indexOf('module load nodejs/20\nexport X=1')).toBeLessThan(text.indexOf("'/usr/bin/node' '/p/child.js' \"$job\" &"));
    expect(text).toContain("  [2]='/o/s/2'");
    expect(text).toContain("job='/o/s/slurm'/jobs/$i.json");
    expect(text).toContain('if [ "$restarts" -gt 0 ] && [ -e "$dir/checkpoints/last.safetensors" ]; then job=\'/o/s/slurm\'/jobs/$i.resume.json; fi');
    expect(text).toContain('if [ "$restarts" -lt 2 ]; then');
  });
});
