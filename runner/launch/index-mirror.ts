// A launch's writes into the SQLite index. They never fail a run: the run folders hold everything, and
// `runs reindex` rebuilds the index from them, so a failed write is kept (the first one) and told once.
import { IndexWriter, openIndex, type Db } from '../tracking/index.js';

export class IndexMirror {
  private db: Db | null = null;
  private writer: IndexWriter | null = null;
  /** The first index failure, as one line with the fix; null while every write succeeded. */
  problem: string | null = null;

  /** `path`: the index to record into; null to record only the folders (every write is then a no-op). */
  constructor(private readonly path: string | null) {}

  open(): void {
    if (!this.path) return;
    try {
      this.db = openIndex(this.path);
      this.writer = new IndexWriter(this.db);
    } catch (e) {
      this.failed(e);
    }
  }

  /** Runs `write` on the index, if open; a failure is kept in `problem`, never thrown. */
  write(write: (w: IndexWriter) => void): void {
    if (!this.writer) return;
    try {
      write(this.writer);
    } catch (e) {
      this.failed(e);
    }
  }

  /** Closes the index; later writes are no-ops. */
  close(): void {
    this.db?.close();
    this.db = null;
    this.writer = null;
  }

  private failed(e: unknown): void {
    this.problem ??= `index ${this.path} not updated (${(e as Error).message.split('\n')[0]}); \`runs reindex\` rebuilds it from the run folders`;
  }
}
