// What a run records about where it ran: host, runtime and package versions, git commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processStart } from './owner.js';

export interface Environment {
  host: { hostname: string; platform: string; arch: string; cpus: number; memory_gb: number };
  versions: Record<string, string | null>;
  git: { commit: string; dirty: boolean } | null;
  /** The process's glibc malloc settings (its MALLOC_* variables; {} for glibc's defaults): step times depend on them. */
  allocator?: Record<string, string>;
  pid: number;
  /** When the process started (owner.ts processStart): tells it from a later process given the same pid. */
  pid_started?: string | null;
  argv: string[];
}

/** A dependency's version from node_modules/<name>/package.json, looked up from here upwards (exports maps hide it from require.resolve). */
function packageVersion(name: string): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      if (dirname(dir) === dir) return null;
    }
  }
}

function ladderVersion(): string | null {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ladder') return pkg.version ?? null;
    } catch {
      // not at this depth (sources vs dist/)
    }
  }
  return null;
}

function gitState(cwd: string): Environment['git'] {
  try {
    const run = (args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit: run(['rev-parse', 'HEAD']).trim(), dirty: run(['status', '--porcelain', '--untracked-files=no']).trim() !== '' };
  } catch {
    return null;
  }
}

let cached: Environment | null = null;

/** Collected once per process (git is spawned once), shared by every job of a sweep. */
export function environment(cwd = process.cwd()): Environment {
  cached ??= {
    host: {
      hostname: os.hostname(),
      platform: os.platform(),
      arch: os.arch(),
      cpus: os.cpus().length,
      memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    },
    versions: {
      node: process.versions.node,
      ladder: ladderVersion(),
      'onnxruntime-node': packageVersion('onnxruntime-node'),
      'onnxruntime-web': packageVersion('onnxruntime-web'),
    },
    git: gitState(cwd),
    allocator: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('MALLOC_') && e[1] !== undefined).sort()),
    pid: process.pid,
    pid_started: processStart(process.pid),
    argv: process.argv.slice(2),
  };
  return cached;
}
