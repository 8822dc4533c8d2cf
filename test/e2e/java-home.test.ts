// javaHome on the lab: one host whose Java is only in /opt/jdk17, off every PATH (the JDK's usual
// home hidden inside that host). check finds no Java there until the inventory names the home; then
// install writes it into conf/java.env and the ensemble starts with it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { labSuite } from '../helpers/cli.js';
import { asAdmin, inHost, labTarball, releaseHome, requireLab } from '../helpers/lab.js';

const JDK = '/usr/lib/jvm/java-17-openjdk-amd64';
const HIDE = `mount -t tmpfs -o size=1m zkjava /opt && mkdir /opt/jdk17 && mount --bind ${JDK} /opt/jdk17 && mount -t tmpfs -o size=1m,ro zkjvm /usr/lib/jvm`;
const UNHIDE = 'umount /usr/lib/jvm; umount /opt/jdk17; umount /opt; true';

interface Check {
  hosts: { name: string; results: { id: string; status: string; message: string }[] }[];
}

describe('javaHome: Java off the PATH', () => {
  const { cwd, run } = labSuite();
  const inventory = (lzy03: string) => {
    const file = join(cwd, 'java.yaml');
    writeFileSync(
      file,
      `ssh: { user: admin }\nfirewall: skip\nhosts:\n  - LZY-01\n  - LZY-02\n  - name: LZY-03\n${lzy03}`,
    );
    return file;
  };
  const javaOf = async (file: string) => {
    const result = await run('check', '-i', file, '--json');
    const report = JSON.parse(result.stdout) as Check;
    const java = report.hosts.find((h) => h.name === 'LZY-03')?.results.find((r) => r.id === 'java');
    assert.ok(java, result.stdout + result.stderr);
    return { code: result.code, java };
  };

  test('check, install and start use the javaHome the inventory gives a host', async (t) => {
    if (!requireLab(t)) return;
    after(() => inHost(3, UNHIDE));
    inHost(3, HIDE);
    assert.equal(asAdmin(3, 'command -v java || bash -lc "command -v java" || echo none').trim(), 'none');

    const none = await javaOf(inventory(''));
    assert.equal(none.java.status, 'fail');
    assert.match(none.java.message, /no java on the PATH/);
    assert.equal(none.code, 2);

    const wrong = await javaOf(inventory('    javaHome: /opt/nojdk\n'));
    assert.equal(wrong.java.status, 'fail');
    assert.match(wrong.java.message, /no \/opt\/nojdk\/bin\/java here \(javaHome\)/);

    const file = inventory('    javaHome: /opt/jdk17\n');
    const found = await javaOf(file);
    assert.equal(found.java.status, 'pass', found.java.message);
    assert.match(found.java.message, /Java 17 \(\/opt\/jdk17\/bin\/java\)/);

    const installed = await run('install', '-i', file, '-t', labTarball(), '--start');
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    assert.match(asAdmin(3, `cat ${releaseHome}/conf/java.env`), /^JAVA_HOME=\/opt\/jdk17$/m);
    const status = await run('status', '-i', file, '--json');
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const modes = (JSON.parse(status.stdout) as { hosts: { name: string; mode: string }[] }).hosts;
    assert.deepEqual(modes.map((h) => h.mode).sort(), ['follower', 'follower', 'leader']);
    // The server on LZY-03 runs the Java it was given.
    assert.match(asAdmin(3, 'ps -o args= -u admin | grep -m1 QuorumPeerMain'), /^\/opt\/jdk17\/bin\/java /);
    await run('stop', '-i', file);
  });
});
