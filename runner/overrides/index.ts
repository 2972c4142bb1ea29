// Hydra 1.3 command-line override grammar: parsing, values, sweeps, rendering, and applying
// overrides to a plain config. Pure: no I/O.
export { OverrideParseError, type ParseErrorKind } from './errors.js';
export {
  type ConfigValue, type Override, type OverrideType, type ParseOptions, type ValueType,
  getKeyElement, getValueElementAsStr, isSweep, overrideValue, parseOverride, parseOverrides,
  sweepElements, sweepEncoded, sweepStrings, toConfigValue,
} from './override.js';
export { type GrammarRule, parseRule } from './rules.js';
export {
  applyOverrides, checkSweepsAllowed, ConfigOverrideError, copyConfigValue, nearestKeys, type ApplyOptions, type ConfigSchema,
} from './apply.js';
export { escapeSpecialCharacters, valueElementAsStr, withQuotes } from './render.js';
export { fnmatch, globFilter } from './glob.js';
export { floatRange, rangeValues } from './ranges.js';
export { builtinFunctions } from './builtins.js';
export { Functions, type GrammarFunction, type Param, type TypeSpec } from './functions.js';
export {
  ChoiceSweep, Glob, IntervalSweep, QuotedString, RangeSweep, Sweep,
  type DictKey, type ParsedElement, type ParsedValue, type Quote,
} from './values.js';
export { PyError } from './python.js';
export { configJson, Float, isFloat, isFloatAt, keepFloats, plainConfig, pyFloatStr, pyTypeOf, reviveFloats, toFloat } from './float.js';
