/** Work to finish before exiting on Ctrl-C (closing remote streams), registered by commands. */
const cleanups = new Set<() => Promise<void> | void>();

/** Registers a cleanup for Ctrl-C; returns the way to unregister it. */
export function onInterrupt(cleanup: () => Promise<void> | void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup, waiting at most `limitMs` for them. */
export async function runInterruptCleanups(limitMs = 2000): Promise<void> {
  const all = Promise.allSettled([...cleanups].map(async (c) => c()));
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, limitMs).unref())]);
}
