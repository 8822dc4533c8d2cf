/** Every mode a host can be in, as status shows it. */
export type HostMode =
  | 'leader'
  | 'follower'
  | 'observer'
  | 'standalone'
  | 'read-only'
  | 'not-serving'
  | 'down'
  | 'unreachable';

/** Votes needed for a quorum of `size` voting servers, and how many may fail while one stands. */
export const quorumOf = (size: number) => ({
  majority: Math.floor(size / 2) + 1,
  tolerates: Math.floor((size - 1) / 2),
});

/** Modes in which a server answers clients. */
export const SERVING_MODES: readonly string[] = ['leader', 'follower', 'observer', 'standalone', 'read-only'];

/** The ensemble's verdict: healthy means one leader, every other host a follower, every host reachable. */
export interface Health {
  healthy: boolean;
  quorumSize: number;
  /** Servers that are in the quorum (leader and followers). */
  inQuorum: number;
  summary: string;
}

const MODE_ORDER = [
  'leader',
  'follower',
  'observer',
  'standalone',
  'read-only',
  'not-serving',
  'down',
  'unreachable',
];

/** "1 leader, 4 followers, 1 down": counts in a fixed order, plural where English wants one. */
function describeCounts(modes: readonly string[]): string {
  const count = new Map<string, number>();
  for (const mode of modes) count.set(mode, (count.get(mode) ?? 0) + 1);
  const invariable = (mode: string) => mode.endsWith('-serving') || mode === 'down' || mode === 'unreachable';
  return [...count]
    .sort(([a], [b]) => MODE_ORDER.indexOf(a) - MODE_ORDER.indexOf(b))
    .map(([mode, k]) => `${k} ${k === 1 || invariable(mode) ? mode : `${mode}s`}`)
    .join(', ');
}

/**
 * Judges an ensemble from its hosts' modes (pure). With only some of its hosts shown (--hosts),
 * each of those must be in the quorum.
 */
export function judgeHealth(modes: readonly string[], ensembleSize = modes.length): Health {
  // Observers serve but never vote: the quorum is the voters'.
  const observers = modes.filter((m) => m === 'observer').length;
  const quorumSize = quorumOf(ensembleSize - observers).majority;
  const inQuorumModes = modes.filter((m) => m === 'leader' || m === 'follower' || m === 'observer');
  if (modes.length < ensembleSize) {
    const healthy = inQuorumModes.length === modes.length;
    const verdict = healthy ? 'healthy' : 'unhealthy';
    const summary = `${verdict}: ${describeCounts(modes)} (${modes.length} of ${ensembleSize} hosts shown)`;
    return { healthy, quorumSize, inQuorum: inQuorumModes.length, summary };
  }
  const leaders = modes.filter((m) => m === 'leader').length;
  const inQuorum = leaders === 1 ? inQuorumModes.length : 0;
  const single = modes.length === 1 && modes[0] === 'standalone';
  const healthy = single || (leaders === 1 && inQuorum === modes.length);
  const lost = inQuorum - observers >= quorumSize ? ': still serving' : ': lost';
  const voting = modes.length - observers;
  const quorum = single ? 'standalone' : `quorum ${quorumSize} of ${voting}${healthy ? '' : lost}`;
  return {
    healthy,
    quorumSize,
    inQuorum,
    summary: `${healthy ? 'healthy' : 'unhealthy'}: ${describeCounts(modes)} (${quorum})`,
  };
}
