import { type Progress, SILENT_PROGRESS } from '../run/progress.js';
import { PlainProgress } from './plain-progress.js';

/**
 * How a run shows its progress: the live view on a terminal, plain lines elsewhere, nothing for
 * quiet reads. Made once the hosts are known and any passphrase prompt is answered.
 */
export function progressView(show: boolean, verbose: boolean): (hosts: string[]) => Promise<Progress> {
  return async (hosts) => {
    // --verbose shows commands even where progress is off (status, check, --json): all on stderr.
    if (!show && !verbose) return SILENT_PROGRESS;
    const live = show && process.stderr.isTTY && !process.env.CI && !verbose;
    if (!live) return new PlainProgress(hosts, verbose);
    // Loaded only for the live view: reads, --json and CI never pay for listr2.
    const { ListrProgress } = await import('./listr-progress.js');
    return new ListrProgress(hosts);
  };
}
