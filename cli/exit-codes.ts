/** Process exit codes; `--help` documents them, and scripts depend on them staying put. */
export const EXIT = {
  /** Done as asked. */
  OK: 0,
  /** A request failed: the API answered with an error, or no answer came. */
  REQUEST_FAILED: 1,
  /** The command line or the environment is invalid; nothing was sent. */
  USAGE: 2,
  /** The operation ended, or had already ended, otherwise than the command wanted. */
  UNWANTED_OUTCOME: 3,
  /** `--timeout` passed while waiting; the operation goes on. */
  TIMED_OUT: 4,
  /** Interrupted (Ctrl-C) while waiting; the operation was left alone. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
