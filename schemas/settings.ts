import type { FromSchema } from 'json-schema-to-ts';

/**
 * Project settings: the `ladder` key of package.json or an rc file (.ladderrc*, ladder.config.*).
 * Paths are relative to the folder of that file.
 */
export const settingsSchema = {
  $id: 'ladder/settings',
  type: 'object',
  additionalProperties: false,
  properties: {
    configDir: { type: 'string', minLength: 1, default: 'conf', description: 'Folder holding the config groups' },
    configName: { type: 'string', minLength: 1, default: 'config', description: 'Primary config name, without .yaml' },
    outputsDir: { type: 'string', minLength: 1, default: 'outputs', description: 'Folder for run folders' },
    indexPath: { type: 'string', minLength: 1, description: 'SQLite index of all runs (default: <outputsDir>/index.sqlite)' },
    runDir: { type: 'string', minLength: 1, default: '%Y-%m-%d/%H-%M-%S', description: 'Single-run folder under outputsDir, strftime-style (%Y %m %d %H %M %S)' },
    sweepDir: { type: 'string', minLength: 1, default: 'multirun/%Y-%m-%d/%H-%M-%S', description: 'Multirun root under outputsDir; each job goes to <root>/<job#>/' },
  },
} as const;

/** A settings file after validation, defaults filled in (indexPath has none: it follows outputsDir). */
export type SettingsFile = FromSchema<typeof settingsSchema>;
