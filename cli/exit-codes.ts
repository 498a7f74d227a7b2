// Exit codes of the rollcall CLI (documented in README "CLI" and in `rollcall --help`).
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 3,
  FAILED: 10,
  ABORTED: 11,
  REJECTED: 12,
  EXPIRED: 13,
  TIMED_OUT: 14,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_HELP = `Exit codes:
  0   done (a followed run succeeded)
  1   other error (API error, network, server)
  2   usage error (unknown command or option, missing or invalid argument)
  3   authentication or permission error (no token, token refused, beyond its scopes)
  10  the followed run failed
  11  the followed run was aborted
  12  the rollback request was rejected
  13  the rollback request expired before approval
  14  --timeout passed before the run ended`;

/** The exit code for a run or rollback-request outcome; undefined while it has not ended. */
export function exitForOutcome(status: string): ExitCode | undefined {
  switch (status.toLowerCase()) {
    case "succeeded":
    case "success":
    case "completed":
      return EXIT.OK;
    case "failed":
      return EXIT.FAILED;
    case "aborted":
    case "cancelled":
    case "canceled":
      return EXIT.ABORTED;
    case "rejected":
      return EXIT.REJECTED;
    case "expired":
      return EXIT.EXPIRED;
    default:
      return undefined;
  }
}

/** The exit code for an API error answer (HTTP status). */
export function exitForHttpStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 400 || status === 422) return EXIT.USAGE;
  return EXIT.ERROR;
}
