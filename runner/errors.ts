/**
 * The one error class a user sees from configuration (settings, config files, composition, sweeps):
 * a single line that names the place and the fix. The CLI prints it as `Error: <message>` and exits 1.
 * A leaf module, so that runner/config, runner/compose and sweeps/ can all throw it without importing each other.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The outputs dir cannot be written (no permission, a read-only file system) before any job started:
 * one line naming the folder and the fix; the CLI exits 2, and nothing was written.
 */
export class OutputsError extends ConfigError {
  override name = 'OutputsError';
}
