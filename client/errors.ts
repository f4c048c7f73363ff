/**
 * Errors this package throws. Guards check `name`, not `instanceof`: errors cross the boundary between the
 * program and the dynamic provider process, and two copies of the package may be loaded.
 */

import type { RetryHint } from "./retry-hint";

/** The base class of every error this package throws. */
export class FirestoreOperationsError extends Error {
  /** The class name, which survives serialization (guards check it rather than `instanceof`). */
  override name = "FirestoreOperationsError";

  /** Brand for {@link isFirestoreOperationsError}. */
  get isFirestoreOperationsError(): true {
    return true;
  }
}

/** An input broke a rule; thrown before anything is started. */
export class InvalidInputError extends FirestoreOperationsError {
  override name = "InvalidInputError";
  constructor(
    /** The input (or config key) at fault, e.g. `outputUriPrefix` or `timeouts.delete`. */
    readonly field: string,
    /** The rule it broke, in words. */
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}

/** The Admin API answered a request with an error (the AIP-193 envelope), or the request never completed. */
export class ApiRequestError extends FirestoreOperationsError {
  override name = "ApiRequestError";
  constructor(
    message: string,
    /** HTTP status, or 0 when no response arrived (reset, timeout). */
    readonly httpStatus: number,
    /** The google.rpc.Code name, e.g. NOT_FOUND, when the server sent one. */
    readonly status: string | undefined,
    /** True when the request may have taken effect although it failed (a POST that timed out, a 5xx). */
    readonly ambiguous: boolean,
    options?: { cause?: unknown; retryHint?: RetryHint; retryBeyondDeadline?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.retryHint !== undefined) this.retryHint = options.retryHint;
    if (options?.retryBeyondDeadline) this.retryBeyondDeadline = true;
  }

  /** How long the server asked us to wait before trying again (its Retry-After header or RetryInfo detail). */
  readonly retryHint?: RetryHint;
  /** The next try would come after the deadline (client/retry-hint.ts): trying again later is pointless. */
  readonly retryBeyondDeadline?: true;
}

/** The operation did not finish within our own timeout (the dynamic provider host ignores customTimeouts). */
export class OperationTimeoutError extends FirestoreOperationsError {
  override name = "OperationTimeoutError";
  constructor(
    message: string,
    /** The operation waited for. */
    readonly operationName: string,
    /** Its state when the wait gave up. */
    readonly lastState: string,
  ) {
    super(message);
  }
}

/** The reason a `Deadline` aborts with; waits and requests turn it into an error that says what timed out. */
export class DeadlineExceededError extends FirestoreOperationsError {
  override name = "DeadlineExceededError";
}

/** The caller's AbortSignal stopped a request or a wait. */
export class InterruptedError extends FirestoreOperationsError {
  override name = "InterruptedError";
  constructor(
    message: string,
    /** True when a request that may take effect was already sent (a start POST): it may have started. */
    readonly ambiguous: boolean,
  ) {
    super(message);
  }
}

/** Credentials could not produce an access token (the token endpoint refused, or could not be reached). */
export class CredentialsError extends FirestoreOperationsError {
  override name = "CredentialsError";
}

/** The server does not support cancelling this operation (UNIMPLEMENTED). */
export class CancelUnimplementedError extends FirestoreOperationsError {
  override name = "CancelUnimplementedError";
}

/** The operation finished despite our cancel, and `onCancelLost: "fail"` asked to stop. */
export class CancelLostError extends FirestoreOperationsError {
  override name = "CancelLostError";
}

/** After an ambiguous start, no single in-flight operation could be proven to be ours. */
export class AmbiguousStartError extends FirestoreOperationsError {
  override name = "AmbiguousStartError";
  constructor(
    message: string,
    /** Operations that match the request (none, or more than one). */
    readonly candidates: string[],
  ) {
    super(message);
  }
}

/** The server sent something that is not a valid Operation. */
export class MalformedResponseError extends FirestoreOperationsError {
  override name = "MalformedResponseError";
}

/** Whether `error` is one of this package's errors (by brand, not `instanceof`: it may come from another copy). */
export function isFirestoreOperationsError(error: unknown): error is FirestoreOperationsError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { isFirestoreOperationsError?: unknown }).isFirestoreOperationsError === true
  );
}

/** Whether `error` is an {@link ApiRequestError} (by its name, which survives serialization). */
export function isApiRequestError(error: unknown): error is ApiRequestError {
  return error instanceof Error && error.name === "ApiRequestError";
}

/** The input or config key an InvalidInputError names, if `error` is one. */
export function fieldOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== "InvalidInputError") return undefined;
  const field = (error as { field?: unknown }).field;
  return typeof field === "string" ? field : undefined;
}
