/** "12.3 of 20.1 MB, 4.2 MB/s, 2s left": how far a transfer is, for the progress view. */
export function transferText(sent: number, total: number, elapsedMs: number): string {
  const mb = (bytes: number) => (bytes / 1_000_000).toFixed(1);
  const rate = elapsedMs > 0 ? (sent * 1000) / elapsedMs : 0;
  const left = rate > 0 ? Math.ceil((total - sent) / rate) : undefined;
  const eta =
    left === undefined
      ? ''
      : left >= 60
        ? `, ${Math.floor(left / 60)}m${left % 60}s left`
        : `, ${left}s left`;
  return `${mb(sent)} of ${mb(total)} MB, ${mb(rate)} MB/s${sent >= total ? '' : eta}`;
}

/**
 * Calls `report` with a transfer's progress at most every `everyMs` (and once at its end), so a
 * fast link does not flood the view and a slow one is seen moving.
 */
export function throttledTransfer(
  report: (text: string) => void,
  everyMs: number,
  now: () => number = Date.now,
): (sent: number, total: number) => void {
  const started = now();
  let last = started;
  return (sent, total) => {
    const t = now();
    if (sent < total && t - last < everyMs) return;
    last = t;
    report(transferText(sent, total, t - started));
  };
}
