/**
 * Minimal safetensors reader/writer (https://huggingface.co/docs/safetensors): 8-byte little-endian header
 * length, a JSON header { name: { dtype, shape, data_offsets }, __metadata__: {str: str} }, then raw
 * little-endian data. Written and read tensor by tensor, so files larger than one JS buffer work.
 */
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';

export type StDType = 'F32' | 'F64' | 'I64';
export type StArray = Float32Array | Float64Array | BigInt64Array;
export interface StTensor {
  data: StArray;
  shape: number[];
}
interface HeaderEntry {
  dtype: StDType;
  shape: number[];
  data_offsets: [number, number];
}

const dtypeOf = (a: StArray): StDType => (a instanceof Float32Array ? 'F32' : a instanceof Float64Array ? 'F64' : 'I64');
const bytesOf = (a: StArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Writes atomically (temp file + rename), so a crash never leaves a half-written checkpoint. */
export function writeSafetensors(path: string, tensors: Record<string, StTensor>, metadata: Record<string, string> = {}): void {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: ${name} has ${t.data.length} values for shape [${t.shape}]`);
    header[name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    try {
      writeAll(fd, head);
      writeAll(fd, Buffer.from(json));
      for (const t of Object.values(tensors)) writeAll(fd, bytesOf(t.data));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true }); // a full disk must not leave half a checkpoint behind
    const err = e as NodeJS.ErrnoException;
    if (err.code && !err.message.includes(path)) err.message += ` '${path}'`; // write(2)'s error names no file
    throw e;
  }
}

/** Writes all of `bytes`: write(2) may write fewer bytes than asked (a disk filling up) without failing; the next call then fails (ENOSPC). */
function writeAll(fd: number, bytes: Uint8Array): void {
  const CHUNK = 1 << 30;
  for (let at = 0; at < bytes.byteLength;) at += writeSync(fd, bytes, at, Math.min(CHUNK, bytes.byteLength - at));
}

function readExact(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.byteLength) {
    const n = readSync(fd, into, done, Math.min(into.byteLength - done, 1 << 30), position + done);
    if (n === 0) throw new Error('safetensors: file is truncated');
    done += n;
  }
}

export function readSafetensors(path: string): { tensors: Record<string, StTensor>; metadata: Record<string, string> } {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(8);
    readExact(fd, head, 0);
    const len = Number(Buffer.from(head).readBigUInt64LE());
    if (len <= 0 || len > 100_000_000) throw new Error(`${path}: not a safetensors file (header length ${len})`);
    const jsonBytes = new Uint8Array(len);
    readExact(fd, jsonBytes, 8);
    const header = JSON.parse(Buffer.from(jsonBytes).toString('utf8')) as Record<string, HeaderEntry>;
    const { __metadata__: meta, ...entries } = header as Record<string, unknown>;
    const tensors: Record<string, StTensor> = {};
    for (const [name, e] of Object.entries(entries as Record<string, HeaderEntry>)) {
      const [begin, end] = e.data_offsets;
      const buf = new ArrayBuffer(end - begin);
      readExact(fd, new Uint8Array(buf), 8 + len + begin);
      const data = e.dtype === 'F32' ? new Float32Array(buf) : e.dtype === 'F64' ? new Float64Array(buf) : e.dtype === 'I64' ? new BigInt64Array(buf) : null;
      if (!data) throw new Error(`${path}: tensor ${name} has unsupported dtype ${e.dtype}`);
      tensors[name] = { data, shape: e.shape };
    }
    return { tensors, metadata: (meta ?? {}) as Record<string, string> };
  } finally {
    closeSync(fd);
  }
}
