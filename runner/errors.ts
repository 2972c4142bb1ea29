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
