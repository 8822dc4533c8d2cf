// The lab's own proof: real sshd hosts, reachable from each other, and a real ensemble when the
// guide's steps are done by hand with plain ssh/scp. zkdeploy's end-to-end tests build on this.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'ssh2';
import { judgeHostKey, parseKnownHosts } from '../../src/ssh/known-hosts.js';
import {
  asAdmin,
  hostIp,
  hostLink,
  hostName,
  hostNumbers,
  inHost,
  lab,
  labKey,
  labKnownHostsText,
  labSshConfig,
  labTarball,
  releaseHome,
  releaseName,
  requireLab,
} from '../helpers/lab.js';

function sshHostname(n: number): Promise<string> {
  const known = parseKnownHosts(labKnownHostsText());
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec('hostname', (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (d: Buffer) => {
            out += d.toString();
          });
          stream.on('close', () => {
            client.end();
            resolve(out.trim());
          });
        });
      })
      .on('error', reject)
      .connect({
        host: hostIp(n),
        username: 'admin',
        privateKey: readFileSync(labKey),
        readyTimeout: 5000,
        hostVerifier: (key: Buffer) => judgeHostKey(known, [hostName(n), hostIp(n)], key) === 'trusted',
      });
  });
}

const ssh = (n: number, command: string) =>
  execFileSync('ssh', ['-F', labSshConfig, hostName(n), command], { encoding: 'utf8', stdio: 'pipe' });

describe('lab', () => {
  before(() => {
    if (process.getuid?.() === 0) lab('up');
  });
  after(() => {
    if (process.getuid?.() === 0) lab('reset');
  });

  test('every host answers hostname over SSH (ssh2, admin, host key verified)', async (t) => {
    if (!requireLab(t)) return;
    const names = await Promise.all(hostNumbers().map(sshHostname));
    assert.deepEqual(names, hostNumbers().map(hostName));
  });

  test("root in one host's netns reaches the next host's sshd", (t) => {
    if (!requireLab(t)) return;
    const banner = inHost(1, `exec 3<>/dev/tcp/${hostIp(2)}/22 && head -c 8 <&3`);
    assert.equal(banner, 'SSH-2.0-');
  });

  test("each host is a machine with only a JDK: the machine's Java jars are hidden", (t) => {
    if (!requireLab(t)) return;
    assert.equal(inHost(3, 'ls -A /usr/share/java | wc -l').trim(), '0');
    assert.match(inHost(3, 'java -version 2>&1'), /version/);
  });

  test('the guide done by hand gives one leader and four followers', async (t) => {
    if (!requireLab(t)) return;
    lab('reset');
    const servers = hostNumbers()
      .map((n) => `server.${n}=${hostName(n)}:2888:3888`)
      .join('\n');
    const zooCfg = `tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/home/admin/zookeeper/data\nclientPort=2181\n${servers}\n`;
    for (const n of hostNumbers()) {
      ssh(n, 'mkdir -p ~/setups ~/zookeeper/data');
      execFileSync('scp', ['-q', '-F', labSshConfig, labTarball(), `${hostName(n)}:setups/`]);
      ssh(n, `cd ~/zookeeper && tar -xzf ~/setups/${releaseName}.tar.gz`);
      ssh(n, `cat > ${releaseHome}/conf/zoo.cfg <<'EOF'\n${zooCfg}EOF`);
      ssh(n, `echo ${n} > ~/zookeeper/data/myid`);
    }
    for (const n of hostNumbers()) assert.match(ssh(n, `${releaseHome}/bin/zkServer.sh start`), /STARTED/);
    let modes: string[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      modes = hostNumbers().map((n) => {
        const out = asAdmin(n, `${releaseHome}/bin/zkServer.sh status 2>/dev/null || true`);
        return /^Mode: (\w+)$/m.exec(out)?.[1] ?? 'none';
      });
      if (!modes.includes('none')) break;
      await sleep(500);
    }
    assert.deepEqual(
      [...modes].sort(),
      ['follower', 'follower', 'follower', 'follower', 'leader'],
      `modes: ${modes.join(', ')}`,
    );
  });

  test('reset returns every host to what up left, whatever a test did there', (t) => {
    if (!requireLab(t)) return;
    // Root's port squatter, a stray daemon of admin's, a mount, a blackhole route, a slowed link, a
    // blocked port.
    inHost(2, 'setsid bash -c "exec 3<>/dev/null; exec sleep 600" </dev/null >/dev/null 2>&1 & true');
    inHost(
      2,
      'setsid python3 -c "import socket,time; s=socket.socket(); s.bind((\'0.0.0.0\', 2181)); s.listen(); time.sleep(600)" </dev/null >/dev/null 2>&1 & true',
    );
    asAdmin(3, 'setsid sleep 601 </dev/null >/dev/null 2>&1 & true');
    inHost(4, 'mount -t tmpfs -o size=1m zklab-test /opt');
    inHost(4, `ip route add blackhole ${hostIp(5)}/32`);
    lab('slow', 'LZY-05', '1mbit');
    // A port blocked inside a host: filtered from the others until reset.
    lab('block', 'LZY-03', '22');
    assert.equal(
      inHost(1, 'timeout 2 bash -c "exec 3<>/dev/tcp/LZY-03/22" 2>/dev/null; echo $?').trim(),
      '124',
      'block LZY-03 22 did not filter the port',
    );
    lab('reset');
    assert.equal(inHost(1, 'timeout 2 bash -c "exec 3<>/dev/tcp/LZY-03/22" && echo open').trim(), 'open');
    assert.equal(inHost(2, 'pgrep -a -f "[s]leep 60[01]|time[.]sleep" || true').trim(), '');
    assert.equal(
      inHost(2, 'exec 3<>/dev/tcp/127.0.0.1/2181 2>/dev/null && echo open || echo closed').trim(),
      'closed',
    );
    assert.equal(inHost(3, 'pgrep -a -f "[s]leep 601" || true').trim(), '');
    assert.equal(inHost(4, 'grep -c " /opt " /proc/self/mounts || true').trim(), '0');
    assert.doesNotMatch(inHost(4, 'ip route'), /blackhole/);
    assert.doesNotMatch(
      execFileSync('tc', ['qdisc', 'show', 'dev', hostLink(5)], { encoding: 'utf8' }),
      /tbf/,
    );
    for (const n of hostNumbers()) {
      assert.equal(
        asAdmin(n, 'ls -A /tmp /var/tmp | grep -v -e "^$" -e ":$" || true').trim(),
        '',
        `host ${n}`,
      );
      assert.equal(
        asAdmin(n, 'ls -A ~ | tr "\\n" " "').trim(),
        '.bash_logout .bash_profile .bashrc .profile',
      );
    }
  });
});
