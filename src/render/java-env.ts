import { shellQuote } from '../remote/quote.js';
import { renderTemplate } from './template.js';

/** What conf/java.env sets: the server log directory, and where needed Java's home and the heap. */
export interface JavaEnvValues {
  serverLogDir: string;
  /** Set only where `java` is not on the non-login PATH that zkServer.sh runs with. */
  javaHome: string | undefined;
  heap: string | undefined;
}

/** conf/java.env, sourced by zkServer.sh on every version. */
export function renderJavaEnv(values: JavaEnvValues): string {
  const javaHome = values.javaHome ? `JAVA_HOME=${shellQuote(values.javaHome)}\nexport JAVA_HOME\n` : '';
  const jvmFlags = values.heap
    ? `SERVER_JVMFLAGS="-Xms${values.heap} -Xmx${values.heap} $SERVER_JVMFLAGS"\n`
    : '';
  return renderTemplate('java.env', { serverLogDir: shellQuote(values.serverLogDir), javaHome, jvmFlags });
}

/** data/myid: the id and a newline (ZooKeeper parses the first line without trimming spaces). */
export function renderMyid(myid: number): string {
  return `${myid}\n`;
}
