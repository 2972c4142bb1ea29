/** A plain config value as YAML and JSON know it. */
export type ConfigValue = null | boolean | number | string | ConfigValue[] | ConfigDict;
export interface ConfigDict {
  [key: string]: ConfigValue;
}

export function isDict(value: unknown): value is ConfigDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy of a plain config tree (cached file contents must never be shared with a result). */
export function cloneValue<T extends ConfigValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneValue(item)) as T;
  if (isDict(value)) {
    const copy: ConfigDict = {};
    for (const key of Object.keys(value)) copy[key] = cloneValue(value[key]!);
    return copy as T;
  }
  return value;
}
