// How the index stores a folder: relative to the outputs dir, with '/' on every platform. A leaf, so
// that the read side (`runs ls/show/sql`) can use it without loading the rebuild side (run folders, YAML).
import { relative, sep } from 'node:path';

/** `dir` relative to `outputsDir`, '/'-separated: the form of runs.dir and sweeps.dir. */
export const relativeDir = (outputsDir: string, dir: string) => relative(outputsDir, dir).split(sep).join('/');
