// `runs` read commands never write the file they are asked to read: not someone else's SQLite file, not
// an older Ladder index (that one is migrated only by `runs migrate` or a writing command).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/runs.js';
import { IndexWriter, MIGRATIONS, openIndex } from '../../../runner/tracking/index.js';
import { tempOutputs } from '../helpers.js';

function runs(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd };
  return main(argv, io).then((code) => ({ code, stdout, stderr }));
}

/** The folder's files and a hash of each: any write, new -wal/-shm file or header change shows. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

describe('runs read commands on a file that is not theirs to change', () => {
  it('refuse someone else\'s SQLite file and leave it byte for byte as it was', async () => {
    const dir = tempOutputs();
    const other = new Database(join(dir, 'other.db'));
    other.exec("CREATE TABLE birds (name TEXT); INSERT INTO birds VALUES ('wren');");
    other.close();
    const before = snapshot(dir);
    for (const argv of [['sql', 'SELECT name FROM sqlite_master'], ['ls'], ['show', 'x']]) {
      const r = await runs(dir, ...argv, '--index', 'other.db');
      expect(r.code, argv[0]).toBe(1);
      expect(r.stderr, argv[0]).toBe(`Error: ${join(dir, 'other.db')} is not a Ladder index; pass the index of an outputs dir, e.g. --index outputs/index.sqlite\n`);
    }
    expect((await runs(dir, 'reindex', '--index', 'other.db', '--outputs', dir)).stderr).toMatch(/other\.db is not a Ladder index/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuse a file that is not SQLite at all', async () => {
    const dir = tempOutputs();
    writeFileSync(join(dir, 'notes.txt'), 'hello, not a database\n'.repeat(100));
    const before = snapshot(dir);
    const r = await runs(dir, 'sql', 'SELECT 1', '--index', 'notes.txt');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/notes\.txt is not a Ladder index \(file is not a database\)/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a damaged index names the way out, and that way works: move it aside, then `runs reindex`', async () => {
    const dir = tempOutputs();
    const path = join(dir, 'index.sqlite');
    writeFileSync(path, 'garbage\n');
    const r = await runs(dir, 'ls', '--index', 'index.sqlite');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`if it is a damaged index, move it aside (mv ${path} ${path}.damaged) and rebuild it from the run folders with \`npx runs reindex\``);
    expect(readFileSync(path, 'utf8')).toBe('garbage\n');
    renameSync(path, `${path}.damaged`);
    expect((await runs(dir, 'reindex', '--index', 'index.sqlite', '--outputs', dir)).code).toBe(0);
    expect((await runs(dir, 'ls', '--index', 'index.sqlite')).code).toBe(0);
  });

  it('leave an older Ladder index unchanged and name `runs migrate`, which upgrades it', async () => {
    const dir = tempOutputs();
    const path = join(dir, 'index.sqlite');
    const v1 = new Database(path);
    v1.exec(MIGRATIONS[0]);
    v1.pragma('user_version = 1');
    v1.close();
    const before = snapshot(dir);
    const read = await runs(dir, 'sql', 'SELECT COUNT(*) AS n FROM runs', '--index', 'index.sqlite');
    expect(read.code).toBe(1);
    expect(read.stderr).toBe(`Error: ${path}: index schema v1 is older than this ladder's (v${MIGRATIONS.length}); upgrade it with \`runs migrate\` (any \`run\` also does)\n`);
    expect(snapshot(dir)).toEqual(before);
    const migrated = await runs(dir, 'migrate', '--index', 'index.sqlite');
    expect(migrated).toMatchObject({ code: 0, stdout: `migrated ${path} from schema v1 to v${MIGRATIONS.length}\n` });
    expect((await runs(dir, 'sql', 'SELECT COUNT(*) AS n FROM run_summary', '--index', 'index.sqlite', '--json')).stdout).toBe('{"n":0}\n');
  });

  it('a writing command refuses someone else\'s file too, and creates a new index where there is none', () => {
    const dir = tempOutputs();
    const other = new Database(join(dir, 'other.db'));
    other.exec('CREATE TABLE birds (name TEXT)');
    other.close();
    const before = snapshot(dir);
    expect(() => openIndex(join(dir, 'other.db'))).toThrow(/other\.db is not a Ladder index/);
    expect(snapshot(dir)).toEqual(before);
    const db = openIndex(join(dir, 'new', 'index.sqlite'));
    new IndexWriter(db);
    db.close();
    expect(existsSync(join(dir, 'new', 'index.sqlite'))).toBe(true);
  });
});
