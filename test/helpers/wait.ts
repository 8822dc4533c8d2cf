/** Waits until `condition` holds, polling; fails naming `what` after `ms`. Never a fixed sleep. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting (${ms / 1000}s): ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
