#!/usr/bin/env -S MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 node
// The shebang sets the engine's glibc malloc settings (ALLOCATOR_ENV, engine/runtime/allocator.ts) before
// node starts: they cannot be set from inside the process. `node bin/run.js` runs with glibc's defaults.
import { main } from '../dist/runner/cli/run.js';

process.exitCode = await main(process.argv.slice(2));
