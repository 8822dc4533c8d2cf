/** Exit codes, the same for every command. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  no: 2,
  badInput: 3,
  usage: 64,
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user or the world caused: printed as a message (and its fix), never as a stack. */
export class ZkdeployError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly fix?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad inventory, tarball or option value: nothing was touched (exit 3). */
export class InputError extends ZkdeployError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.badInput, fix);
  }
}

/** Unknown command or flag, or flags that conflict (exit 64). */
export class UsageError extends ZkdeployError {
  constructor(message: string, fix?: string) {
    super(message, ExitCode.usage, fix);
  }
}

/** Something failed on a host: SSH, a remote command, a server that does not come up (exit 1). */
export class HostError extends ZkdeployError {
  constructor(
    readonly host: string,
    message: string,
    fix?: string,
  ) {
    super(`${host}: ${message}`, ExitCode.failed, fix);
  }
}

/** The message of anything thrown, for places that must not lose a non-Error throw. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
