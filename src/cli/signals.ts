/**
 * Turns SIGINT/SIGTERM into a flag a long load checks between batches, so an
 * interrupted seed or import removes what it wrote instead of leaving half a dataset.
 * A second signal exits at once (the next run's sweep then cleans up).
 */
export function stopFlagOnSignals(onFirst: (sig: string) => void): () => boolean {
  let stop = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stop) process.exit(130);
    stop = true;
    onFirst(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => stop;
}
