import { unauthenticatedHint } from "../client/auth-hint";
import { ApiRequestError, FirestoreOperationsError, InvalidInputError, OperationTimeoutError } from "../client/errors";
import { EXIT, type ExitCode } from "./exit-codes";
import type { ProgressStream } from "./progress-printer";
import type { Session } from "./session";

/**
 * Writes one clear line for a failed command and picks its exit code. Messages never contain credentials: nothing here reads settings.
 */
export function reportError(error: unknown, stderr: ProgressStream, session?: Session): ExitCode {
  if (error instanceof InvalidInputError) {
    stderr.write(`firestore-ops: ${error.message}\nRun "firestore-ops --help" for usage.\n`);
    return EXIT.USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof OperationTimeoutError) {
    stderr.write(`firestore-ops: ${message}\n`);
    return EXIT.TIMED_OUT;
  }
  stderr.write(`firestore-ops: ${error instanceof FirestoreOperationsError ? "" : "unexpected error: "}${message}\n`);
  // A 401 says only that the credentials were not accepted: say which were sent, and what to do about them.
  if (session && error instanceof ApiRequestError && error.httpStatus === 401) {
    stderr.write(`${unauthenticatedHint(session.settings, session.settingName, session.env)}\n`);
  }
  return EXIT.REQUEST_FAILED;
}
