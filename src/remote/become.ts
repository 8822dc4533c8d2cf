import { shellQuote } from './quote.js';

/** How commands that need privilege are run: sudo to this user, with this password (or none). */
export interface Become {
  user: string;
  /** The sudo password (--ask-become-pass); undefined: passwordless sudo (`sudo -n`). */
  password: string | undefined;
}

/**
 * A command run as the become user: the whole command inside one sudo, so one password serves it
 * all. The password goes to sudo on standard input (`-S`, no prompt), never on the command line.
 */
export function becomeCommand(
  command: string,
  become: Become,
): { command: string; stdin: string | undefined } {
  return sudo(become, `sh -c ${shellQuote(command)}`);
}

/** sudo of an already quoted command line: exactly that program, as a sudoers rule may name it. */
export function sudo(become: Become, commandLine: string): { command: string; stdin: string | undefined } {
  const as = become.user === 'root' ? '' : ` -u ${shellQuote(become.user)}`;
  if (become.password === undefined) return { command: `sudo -n${as} -- ${commandLine}`, stdin: undefined };
  return { command: `sudo -S -p ''${as} -- ${commandLine}`, stdin: `${become.password}\n` };
}
