import { unauthenticatedHint } from "../client/auth-hint";
import { isApiRequestError, isFirestoreOperationsError } from "../client/errors";
import { EXIT, type ExitCode } from "./exit-codes";
import type { ProgressStream } from "./progress-printer";
import type { Session } from "./session";

/**
 * Writes one clear line for a failed command and picks its exit code. Errors are told apart by name, as the
 * provider's errors are meant to be. Messages never contain credentials: nothing here reads settings.
 */
export function reportError(error: unknown, stderr: ProgressStream, session?: Session): ExitCode {
  const name = error instanceof Error ? error.name : "";
  if (name === "InvalidInputError") {
    stderr.write(`firestore-ops: ${(error as Error).message}\nRun "firestore-ops --help" for usage.\n`);
    return EXIT.USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (name === "OperationTimeoutError") {
    stderr.write(`firestore-ops: ${message}\n`);
    return EXIT.TIMED_OUT;
  }
  stderr.write(`firestore-ops: ${isFirestoreOperationsError(error) ? "" : "unexpected error: "}${message}\n`);
  // A 401 says only that the credentials were not accepted: say which were sent, and what to do about them.
  if (session && isApiRequestError(error) && error.httpStatus === 401) {
    stderr.write(`${unauthenticatedHint(session.settings, session.settingName, session.env)}\n`);
  }
  return EXIT.REQUEST_FAILED;
}
