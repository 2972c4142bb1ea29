import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError } from './errors.js';
import type { FeatureTable } from './features.js';
import { bytesOf, sha256 } from './hash.js';

/** Bump when the on-disk layout changes; old entries then read as stale and are rebuilt. */
const FORMAT = 1;

/** Facts about the raw file kept with the features so a cache hit needs no re-parse. */
export interface RawFacts {
  rows: number;
  filled: number;
  firstDate: string;
  lastDate: string;
}

export interface CachedFeatures {
  table: FeatureTable;
  raw: RawFacts;
}

interface Header {
  format: number;
  key: string;
  names: string[];
  dates: string[];
  warmup: number;
  raw: RawFacts;
  payloadBytes: number;
  payloadSha256: string;
}

export function featureCachePath(cacheDir: string, key: string): string {
  return join(cacheDir, 'features', `${key}.bin`);
}

/**
 * Reads a cache entry: [u32 header length][header JSON][float64 values | high | close]. Returns the
 * entry, or the reason it cannot be used (missing, unreadable, other key or format, size or checksum
 * mismatch); an unusable entry is never partly used.
 */
export function readFeatureCache(file: string, key: string): CachedFeatures | { reason: string } {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return { reason: 'missing' };
  }
  let header: Header;
  let offset: number;
  try {
    const len = buf.readUInt32LE(0);
    header = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as Header;
    offset = 4 + len;
  } catch {
    return { reason: 'unreadable header' };
  }
  if (header.format !== FORMAT || header.key !== key) return { reason: 'stale entry (format or key differs)' };
  const payload = buf.subarray(offset);
  if (payload.length !== header.payloadBytes) return { reason: `size mismatch (${payload.length} != ${header.payloadBytes} bytes)` };
  if (sha256(payload) !== header.payloadSha256) return { reason: 'checksum mismatch' };
  const floats = new Float64Array(payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.length));
  const rows = header.dates.length;
  const c = header.names.length;
  if (floats.length !== rows * (c + 2)) return { reason: 'shape mismatch' };
  return {
    table: {
      names: header.names,
      dates: header.dates,
      warmup: header.warmup,
      values: floats.slice(0, rows * c),
      high: floats.slice(rows * c, rows * (c + 1)),
      close: floats.slice(rows * (c + 1)),
    },
    raw: header.raw,
  };
}

/** Writes an entry atomically: a unique temp file in the same folder, then rename over the final name. */
export function writeFeatureCache(file: string, key: string, { table, raw }: CachedFeatures): void {
  const payload = new Uint8Array(table.values.byteLength + table.high.byteLength + table.close.byteLength);
  payload.set(bytesOf(table.values), 0);
  payload.set(bytesOf(table.high), table.values.byteLength);
  payload.set(bytesOf(table.close), table.values.byteLength + table.high.byteLength);
  const header: Header = {
    format: FORMAT,
    key,
    names: table.names,
    dates: table.dates,
    warmup: table.warmup,
    raw,
    payloadBytes: payload.length,
    payloadSha256: sha256(payload),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  writeAtomic(file, Buffer.concat([len, json, payload]));
}

export function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the temp file never existed (e.g. its folder could not be created)
    }
    throw new DataError(`cannot write the data cache at ${file}: ${(err as Error).message}. Fix: set data.cache_dir (or LADDER_CACHE) to a writable folder`);
  }
}
