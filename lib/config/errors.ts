/** Raised when the environment does not describe a runnable configuration. */
export class ConfigError extends Error {
  /** One line per offending variable: `NAME: what was expected (received …)`. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
