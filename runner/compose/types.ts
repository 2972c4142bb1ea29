import { Float, type ConfigValue } from '../overrides/index.js';

/** A plain config value as YAML and JSON know it (the same type the override grammar produces). */
export type { ConfigValue };
export interface ConfigDict {
  [key: string]: ConfigValue;
}

export function isDict(value: unknown): value is ConfigDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Float);
}
