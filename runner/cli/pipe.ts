/**
 * `npx run ... | head` or `npx runs sql ... | head` close stdout early: that is the reader's choice, not an
 * error. Without a listener Node turns the EPIPE into an uncaught exception and a stack trace. stderr is
 * held the same way: under `npx run ... 2>&1 | tee log`, a Ctrl-C or SIGTERM to the process group ends the
 * reader first, and the "stopping" line written next would otherwise kill the driver before it records the
 * runs' end (leaving them `running`). Lines to a reader that has gone are dropped.
 */
export function tolerateClosedStdout(onClosed: () => void = () => {}): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    onClosed();
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
