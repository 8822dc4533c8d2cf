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
  hostName,
  hostNumbers,
  inHost,
  lab,
  labKey,
  labKnownHostsText,
  labSshConfig,
  labTarball,
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
      ssh(n, 'cd ~/zookeeper && tar -xzf ~/setups/zookeeper-3.8.0.tar.gz');
      ssh(n, `cat > ~/zookeeper/zookeeper-3.8.0/conf/zoo.cfg <<'EOF'\n${zooCfg}EOF`);
      ssh(n, `echo ${n} > ~/zookeeper/data/myid`);
    }
    for (const n of hostNumbers())
      assert.match(ssh(n, '~/zookeeper/zookeeper-3.8.0/bin/zkServer.sh start'), /STARTED/);
    let modes: string[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      modes = hostNumbers().map((n) => {
        const out = asAdmin(n, '~/zookeeper/zookeeper-3.8.0/bin/zkServer.sh status 2>/dev/null || true');
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
});
