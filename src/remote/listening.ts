/**
 * A probe section listing the TCP ports something listens on, read from /proc (no ss or netstat
 * needed): state 0A is LISTEN, and the port is hex.
 */
export const LISTENING_SECTION =
  'echo @@listening; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk \'$4 == "0A" {split($2, a, ":"); print a[2]}\' | sort -u';

/** The ports of a LISTENING_SECTION's output. */
export function parseListening(section: string | undefined): Set<number> {
  return new Set(
    (section ?? '')
      .split('\n')
      .filter(Boolean)
      .map((hex) => Number.parseInt(hex, 16)),
  );
}
