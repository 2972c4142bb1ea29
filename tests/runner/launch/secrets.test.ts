// A value read from the environment (${oc.env:...}) reaches the task but is never stored: config.yaml
// and the index keep the interpolation that read it, so the run's provenance stays without the secret.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compose, resolveWithProvenance } from '../../../runner/compose/index.js';
import { launch, planJobs } from '../../../runner/launch/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { confWithTasks, tempOutputs } from '../helpers.js';

const SECRET = '/home/alice/token-8f3a91';
afterEach(() => {
  delete process.env.LADDER_CACHE;
  unregisterTask('t-secret');
});

/** Every byte under `dir` (run folder files and the index, WAL included) as text. */
const everything = (dir: string) =>
  readdirSync(dir, { recursive: true }).map(String).map((f) => { try { return readFileSync(join(dir, f), 'latin1'); } catch { return ''; } }).join('\n');

describe('values from the environment', () => {
  it('reach the task, while config.yaml and the index keep the ${oc.env:...} that read them', async () => {
    process.env.LADDER_CACHE = SECRET;
    let seen: unknown;
    registerTask('t-secret', async (spec: any) => void (seen = spec.data.cache_dir));
    const configDir = confWithTasks('t-secret');
    const plan = planJobs(['task=t-secret'], { multirun: false, configDir, configName: 'config', compose });
    const outputs = tempOutputs();
    const result = await launch(plan, { outputsDir: outputs, indexPath: join(outputs, 'index.sqlite') });
    expect(result.status).toBe('completed');
    expect(seen).toBe(SECRET);
    const configYaml = readFileSync(join(result.outcomes[0].dir, 'config.yaml'), 'utf8');
    expect(configYaml).toContain('cache_dir: ${oc.env:LADDER_CACHE,.ladder-cache}');
    expect(everything(outputs)).not.toContain('token-8f3a91');
  });

  it('are told apart from defaults and from keys that only copy them', () => {
    const config = {
      a: '${oc.env:SET_VAR}', b: 'Bearer ${a}', c: '${oc.env:UNSET_VAR,fallback}', d: { e: '${b}' }, f: 'plain', g: '${f}',
    };
    const { config: resolved, fromEnv } = resolveWithProvenance(config, { env: { SET_VAR: 'xyz' } });
    expect(resolved).toEqual({ a: 'xyz', b: 'Bearer xyz', c: 'fallback', d: { e: 'Bearer xyz' }, f: 'plain', g: 'plain' });
    expect(fromEnv.sort()).toEqual(['a', 'b', 'd.e']);
  });
});
