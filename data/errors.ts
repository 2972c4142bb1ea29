/** A user-facing data problem: one line naming the file, the row/line and the fix. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
