import { shellQuote } from '../remote/quote.js';

/**
 * The network check's two remote halves. Before a server runs, nothing listens on ZooKeeper's
 * ports, so each host lends its free ports a short-lived listener that accepts and closes; every
 * other host then connects to them. A listener lives only as long as its SSH channel (it exits at
 * end of input: zkdeploy done, killed or its connection gone) and never past `lifetimeSeconds`.
 */

// Perl is in every Debian and Ubuntu (perl-base is essential); Python where Perl is not (RHEL).
// Each accepted connection is reset, not closed: a close from this side would leave the port in
// TIME_WAIT for a minute, and a program that binds it without SO_REUSEADDR would fail meanwhile.
export const PERL_LISTENER = `use IO::Socket::INET; use IO::Select; use Socket; my $life = shift @ARGV; my $s = IO::Select->new(\\*STDIN);
for my $p (@ARGV) { my $l = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => $p, Listen => 128, ReuseAddr => 1);
  if ($l) { $s->add($l); print "listening $p\\n" } else { print "busy $p\\n" } }
print "ready\\n"; STDOUT->flush; my $end = time + $life;
while ((my $left = $end - time) > 0) { for my $h ($s->can_read($left)) {
  if ($h == \\*STDIN) { exit 0 unless sysread(STDIN, my $b, 512) }
  else { my $c = $h->accept; if ($c) { setsockopt($c, SOL_SOCKET, SO_LINGER, pack("ii", 1, 0)); close $c } } } }`;

export const PYTHON_LISTENER = `import select, socket, struct, sys, time
life = int(sys.argv[1]); watched = [sys.stdin]
for p in sys.argv[2:]:
    try:
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("0.0.0.0", int(p))); l.listen(128)
        watched.append(l); print("listening", p)
    except OSError:
        print("busy", p)
print("ready", flush=True); end = time.time() + life
while end > time.time():
    for h in select.select(watched, [], [], end - time.time())[0]:
        if h is sys.stdin:
            if not sys.stdin.buffer.raw.read(512): sys.exit(0)
        else:
            c = h.accept()[0]; c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()`;

/** The listener for `ports`: prints `listening P` or `busy P` for each, then `ready`; or `no-listener`. */
export function listenerCommand(ports: number[], lifetimeSeconds: number): string {
  const args = [lifetimeSeconds, ...ports].map(String).join(' ');
  return [
    `if command -v perl >/dev/null 2>&1; then exec perl -e ${shellQuote(PERL_LISTENER)} ${args}`,
    `elif command -v python3 >/dev/null 2>&1; then exec python3 -c ${shellQuote(PYTHON_LISTENER)} ${args}`,
    `elif [ -x /usr/libexec/platform-python ]; then exec /usr/libexec/platform-python -c ${shellQuote(PYTHON_LISTENER)} ${args}`,
    'else echo no-listener; fi',
  ].join('\n');
}

/** What a listener said: the ports it holds, those something else holds, and whether it is up. */
export interface ListenerReport {
  listening: number[];
  busy: number[];
  ready: boolean;
  unavailable: boolean;
}

export function parseListener(output: string): ListenerReport {
  const lines = output.split('\n').map((l) => l.trim());
  const ports = (word: string) =>
    lines.filter((l) => l.startsWith(`${word} `)).map((l) => Number(l.slice(word.length + 1)));
  return {
    listening: ports('listening'),
    busy: ports('busy'),
    ready: lines.includes('ready'),
    unavailable: lines.includes('no-listener'),
  };
}

/** How a connection from one host to another's port went. */
export type PortOutcome = 'open' | 'refused' | 'rejected' | 'filtered' | 'unresolved' | 'error';

/** A host to connect to: its name as the servers use it, and the ports to try. */
export interface PortTarget {
  name: string;
  ports: number[];
}

/**
 * Connects from this host to each target port, `parallel` at a time (in batches: `wait -n` is
 * missing from RHEL 7's bash), each given `timeoutSeconds`; one line per attempt, written whole.
 */
export function connectCommand(targets: PortTarget[], parallel: number, timeoutSeconds: number): string {
  const attempts = targets.flatMap((t) => t.ports.map((p) => `${shellQuote(t.name)}:${p}`));
  return [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's own ${…}, split at the last ':'
    'attempt() { h=${1%:*}; p=${1##*:}',
    `  e=$(timeout ${timeoutSeconds} bash -c 'exec 3<>/dev/tcp/$0/$1' "$h" "$p" 2>&1); r=$?`,
    '  if [ $r = 0 ]; then o=open; elif [ $r = 124 ]; then o=filtered',
    '  else case $e in *refused*) o=refused;; *"No route"*|*unreachable*|*prohibited*) o=rejected;;',
    '    *"Name or service"*|*"not known"*|*"resolve"*) o=unresolved;; *) o=error;; esac; fi',
    // One line per attempt, so that attempts finishing together never interleave within one.
    '  echo "@@port $1 $o"; }',
    `n=0; for a in ${attempts.join(' ')}; do attempt "$a" & n=$((n + 1)); [ $n -lt ${parallel} ] || { wait; n=0; }; done; wait`,
  ].join('\n');
}

/** "NAME:PORT" → outcome, from the connector's output. */
export function parseConnections(output: string): Map<string, PortOutcome> {
  const outcomes = new Map<string, PortOutcome>();
  for (const line of output.split('\n')) {
    const [mark, target, outcome] = line.trim().split(' ');
    if (mark === '@@port' && target && outcome) outcomes.set(target, outcome as PortOutcome);
  }
  return outcomes;
}
