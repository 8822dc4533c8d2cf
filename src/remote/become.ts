import { shellQuote } from './quote.js';

/** How commands that need privilege are run: sudo to this user, with this password (or none). */
export interface Become {
  user: string;
  /** The sudo password (--ask-become-pass); undefined: passwordless sudo (`sudo -n`). */
  password: string | undefined;
}

/** One program with its arguments, the program by absolute path. */
export type Argv = readonly string[];

/** A shell test run after commands as root, judging from what the host reports, and what it asserts. */
export interface Verify {
  command: string;
  expect: string;
}

/** An argv as one shell command line, every word quoted. */
export function commandLine(argv: Argv): string {
  return argv.map(shellQuote).join(' ');
}

/** The prompt zkdeploy gives sudo, to know when (and how often) sudo asks for the password. */
export const SUDO_PROMPT = '[zkdeploy] sudo password: ';

/**
 * One exact program run through sudo, as a sudoers rule names it: never `sudo sh -c`, so a rule
 * granting only these commands is enough. It runs in a terminal (sshd's pty, for `Defaults
 * requiretty`); the password is typed there when sudo asks with SUDO_PROMPT, never put on a
 * command line. `list` asks sudo whether it would allow the command (`sudo -l`) without running it.
 */
export function sudo(
  become: Become,
  argv: Argv,
  options: { list?: boolean } = {},
): { command: string; answer: { prompt: string; text: string } | undefined } {
  const as = become.user === 'root' ? '' : ` -u ${shellQuote(become.user)}`;
  const list = options.list ? ' -l' : '';
  const line = commandLine(argv);
  if (become.password === undefined) return { command: `sudo -n${list}${as} -- ${line}`, answer: undefined };
  return {
    command: `sudo -p ${shellQuote(SUDO_PROMPT)}${list}${as} -- ${line}`,
    answer: { prompt: SUDO_PROMPT, text: become.password },
  };
}

/**
 * The sudoers rule granting `sshUser` exactly these commands as the become user (NOPASSWD when
 * zkdeploy runs sudo without a password), for the operator to put in /etc/sudoers.d.
 */
export function sudoersRule(sshUser: string, become: Become, argvs: Argv[]): string {
  const tag = become.password === undefined ? 'NOPASSWD: ' : '';
  const commands = argvs.map((argv) => argv.map(sudoersWord).join(' ')).join(', ');
  return `${sshUser} ALL=(${become.user}) ${tag}${commands}`;
}

// sudoers(5): ',', ':', '=' and '\' in a command's arguments are escaped with a backslash.
function sudoersWord(word: string): string {
  return word.replace(/[\\,:=]/g, (c) => `\\${c}`);
}
