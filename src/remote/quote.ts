/** The one shell-quoting helper: every value that reaches a remote command goes through it. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_./=:@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A remote path as a shell word: `~/x` becomes `"$HOME"/x` so the remote shell expands the home
 * of the SSH user, and everything else is quoted.
 */
export function shellPath(path: string): string {
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"/${shellQuote(path.slice(2))}`;
  return shellQuote(path);
}
