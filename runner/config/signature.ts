// A leaf (node:fs only): settings use it without loading the config repository and its YAML parser.
import fs from 'node:fs';

/** Identity, size and modification time of a file or folder ('missing' when absent): any edit changes it. */
export function fileSignature(file: string): string {
  const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : 'missing';
}
