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
  return perlElsePython(PERL_LISTENER, PYTHON_LISTENER, args, 'no-listener');
}

/**
 * Runs the Perl program with `args` (already shell words), else the same in Python (python3, or
 * RHEL 8's platform-python, which dnf needs and so is always there); neither: prints `missing`.
 */
function perlElsePython(perl: string, python: string, args: string, missing: string): string {
  return [
    `if command -v perl >/dev/null 2>&1; then exec perl -e ${shellQuote(perl)} ${args}`,
    `elif command -v python3 >/dev/null 2>&1; then exec python3 -c ${shellQuote(python)} ${args}`,
    `elif [ -x /usr/libexec/platform-python ]; then exec /usr/libexec/platform-python -c ${shellQuote(python)} ${args}`,
    `else echo ${missing}; fi`,
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

// The connections, in one process per host: non-blocking connects, `parallel` in flight,
// each given its time. A process (or two) per attempt costs more than the attempt: on 50 hosts
// sharing two cores that alone made connections time out. A connection reset once made (the
// listener resets what it accepts) was answered: open.
export const PERL_CONNECTOR = String.raw`use Socket; use IO::Select; use Fcntl qw(F_SETFL O_NONBLOCK); use Errno qw(EINPROGRESS ECONNREFUSED ECONNRESET EHOSTUNREACH ENETUNREACH EACCES EPERM);
my ($wait, $parallel, @todo) = @ARGV; my %open; my $w = IO::Select->new; $| = 1;
sub say_ { print '@@port ' . "$_[0] $_[1]\n" }
sub outcome { my $e = shift; return "refused" if $e == ECONNREFUSED; return "open" if $e == ECONNRESET;
  return "rejected" if $e == EHOSTUNREACH || $e == ENETUNREACH || $e == EACCES || $e == EPERM; "error" }
sub start { my $t = shift; my ($h, $p) = $t =~ /^(.*):(\d+)$/; my $ip = inet_aton($h);
  return say_($t, "unresolved") unless $ip; socket(my $s, PF_INET, SOCK_STREAM, 0) or return say_($t, "error");
  fcntl($s, F_SETFL, O_NONBLOCK);
  if (connect($s, sockaddr_in($p, $ip))) { close $s; return say_($t, "open") }
  return say_($t, outcome($! + 0)) unless $! == EINPROGRESS; $open{fileno $s} = [$s, $t, time + $wait]; $w->add($s) }
while (@todo || %open) {
  start(shift @todo) while @todo && keys %open < $parallel;
  last unless %open; my ($soonest) = sort { $a <=> $b } map { $_->[2] } values %open; my $left = $soonest - time;
  for my $s ($w->can_write($left > 0 ? $left : 0)) { my $o = delete $open{fileno $s}; $w->remove($s);
    my $e = unpack("i", getsockopt($s, SOL_SOCKET, SO_ERROR)); say_($o->[1], $e ? outcome($e) : "open"); close $s }
  for my $k (keys %open) { next if $open{$k}[2] > time; my $o = delete $open{$k}; $w->remove($o->[0]); close $o->[0]; say_($o->[1], "filtered") } }`;

export const PYTHON_CONNECTOR = `import errno, select, socket, sys, time
wait, parallel, todo = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]; pending = {}
def say(t, o): print("@@port", t, o, flush=True)
def outcome(e):
    if e == errno.ECONNREFUSED: return "refused"
    if e == errno.ECONNRESET: return "open"
    return "rejected" if e in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EACCES, errno.EPERM) else "error"
def start(t):
    h, p = t.rsplit(":", 1)
    try: a = socket.gethostbyname(h)
    except OSError: return say(t, "unresolved")
    s = socket.socket(); s.setblocking(False); e = s.connect_ex((a, int(p)))
    if e == 0: s.close(); return say(t, "open")
    if e != errno.EINPROGRESS: s.close(); return say(t, outcome(e))
    pending[s] = (t, time.time() + wait)
while todo or pending:
    while todo and len(pending) < parallel: start(todo.pop(0))
    if not pending: break
    soonest = min(d for _, d in pending.values())
    for s in select.select([], list(pending), [], max(0, soonest - time.time()))[1]:
        t, _ = pending.pop(s); e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR); s.close(); say(t, outcome(e) if e else "open")
    for s, (t, d) in list(pending.items()):
        if d <= time.time(): pending.pop(s); s.close(); say(t, "filtered")`;

/**
 * Connects from this host to each target port, `parallel` at a time, each given `timeoutSeconds`
 * (Perl, else Python: the same tools as the listener); one line per attempt.
 */
export function connectCommand(targets: PortTarget[], parallel: number, timeoutSeconds: number): string {
  const args = [
    String(timeoutSeconds),
    String(parallel),
    ...targets.flatMap((t) => t.ports.map((p) => shellQuote(`${t.name}:${p}`))),
  ].join(' ');
  return perlElsePython(PERL_CONNECTOR, PYTHON_CONNECTOR, args, 'no-connector');
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
