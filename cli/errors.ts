/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The API answered with an error (refused, not found, failed). */
  failed: 1,
  /** The command line was wrong (unknown command, missing argument, bad option). */
  usage: 2,
  /** The API could not be reached, or no token could be had. */
  unreachable: 3,
} as const;

/** An error the CLI reports in one line and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
