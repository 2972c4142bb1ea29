/**
 * `npx run ... | head` or `npx runs sql ... | head` close stdout early: that is the reader's choice, not an
 * error. Without a listener Node turns the EPIPE into an uncaught exception and a stack trace.
 */
export function tolerateClosedStdout(onClosed: () => void = () => {}): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    onClosed();
  });
}
