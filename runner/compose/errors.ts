/**
 * The one error class a user sees from composition: a single line that names the place and the fix.
 * The CLI prints it as `Error: <message>` and exits 1.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
