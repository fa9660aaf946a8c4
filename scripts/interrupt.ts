/**
 * Ctrl-C handling for long CLIs. In a terminal, Ctrl-C sends SIGINT to the whole process group —
 * npm, the shell, tsx and our node process — and npm and tsx also relay it to their child, so one
 * key press can arrive two or three times within milliseconds. The first SIGINT asks the work to
 * stop cleanly (the AbortController fires); repeats within two seconds are ignored; a deliberate
 * second Ctrl-C later forces the exit.
 */
export function stopOnInterrupt(controller: AbortController, message: string): void {
  let first = 0;
  process.on('SIGINT', () => {
    const now = Date.now();
    if (first === 0) {
      first = now;
      process.stderr.write(`\n${message} (press Ctrl-C again to quit at once)\n`);
      controller.abort();
      return;
    }
    if (now - first < 2000) return;
    process.stderr.write('\nQuitting without saving.\n');
    process.exit(130);
  });
}
