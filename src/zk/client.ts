import zookeeper from 'node-zookeeper-client';

/** A promise wrapper over one node-zookeeper-client session, every call bounded in time. */
export class ZkSession {
  private constructor(
    private readonly client: zookeeper.Client,
    readonly timeoutMs: number,
  ) {}

  /** Opens a session to `servers` (host:port,…), or fails after timeoutMs. */
  static open(servers: string, timeoutMs = 5000): Promise<ZkSession> {
    const client = zookeeper.createClient(servers, { sessionTimeout: 10000, spinDelay: 100, retries: 0 });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(new Error(`no session with ${servers} within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve(new ZkSession(client, timeoutMs));
      });
      client.connect();
    });
  }

  private call<T>(what: string, run: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: no answer within ${this.timeoutMs / 1000}s`)),
        this.timeoutMs,
      );
      run((err, value) => {
        clearTimeout(timer);
        if (err) reject(new Error(`${what}: ${String(err)}`));
        else resolve(value as T);
      });
    });
  }

  create(path: string, data: string, mode: number = zookeeper.CreateMode.PERSISTENT): Promise<string> {
    return this.call(`create ${path}`, (done) =>
      this.client.create(path, Buffer.from(data), mode, (err, created) => done(err, created)),
    );
  }

  getData(
    path: string,
    watcher?: (event: zookeeper.Event) => void,
  ): Promise<{ data: string; stat: zookeeper.Stat }> {
    return this.call(`get ${path}`, (done) => {
      const callback = (err: Error | zookeeper.Exception | null, data: Buffer, stat: zookeeper.Stat) =>
        done(err, { data: data?.toString() ?? '', stat });
      if (watcher) this.client.getData(path, watcher, callback);
      else this.client.getData(path, callback);
    });
  }

  /** A znode's bytes and stat, as they are (getData gives them as text). */
  getRaw(path: string): Promise<{ data: Buffer; stat: zookeeper.Stat }> {
    return this.call(`get ${path}`, (done) =>
      this.client.getData(path, (err, data, stat) => done(err, { data: data ?? Buffer.alloc(0), stat })),
    );
  }

  getAcl(path: string): Promise<{ acls: zookeeper.ACL[]; stat: zookeeper.Stat }> {
    return this.call(`getACL ${path}`, (done) =>
      this.client.getACL(path, (err, acls, stat) => done(err, { acls, stat })),
    );
  }

  stat(path: string): Promise<zookeeper.Stat | undefined> {
    return this.call(`exists ${path}`, (done) => this.client.exists(path, (err, stat) => done(err, stat)));
  }

  setData(path: string, data: string): Promise<zookeeper.Stat> {
    return this.call(`set ${path}`, (done) =>
      this.client.setData(path, Buffer.from(data), -1, (err, stat) => done(err, stat)),
    );
  }

  exists(path: string, watcher?: (event: zookeeper.Event) => void): Promise<boolean> {
    return this.call(`exists ${path}`, (done) => {
      const callback = (err: Error | zookeeper.Exception | null, stat: zookeeper.Stat) =>
        done(err, Boolean(stat));
      if (watcher) this.client.exists(path, watcher, callback);
      else this.client.exists(path, callback);
    });
  }

  children(path: string): Promise<string[]> {
    return this.call(`children ${path}`, (done) =>
      this.client.getChildren(path, (err, kids) => done(err, kids)),
    );
  }

  remove(path: string): Promise<void> {
    return this.call(`remove ${path}`, (done) => this.client.remove(path, -1, (err) => done(err)));
  }

  /**
   * Removes a path and everything under it, children first. (node-zookeeper-client's own
   * removeRecursive failed here with NOT_EMPTY on a tree of sequential children.)
   */
  async removeTree(path: string): Promise<void> {
    for (const child of await this.children(path)) await this.removeTree(`${path}/${child}`);
    await this.remove(path);
  }

  close(): void {
    this.client.close();
  }
}

export const { CreateMode } = zookeeper;
