/**
 * Errors this package throws. Two copies of the package may be loaded in one process (the program's and the
 * dynamic provider's), so a class from one copy must recognise an error built by the other: each class marks its
 * prototype with a registry symbol (`Symbol.for`, shared by every copy) and its `instanceof` checks that mark, as
 * Temporal's SDK does (`SymbolBasedInstanceOfError`). Callers write plain `instanceof`.
 */

import type { RetryHint } from "./retry-hint";

/** The prefix of every error class's marker symbol; the class name follows it. */
const MARKER_PREFIX = "pulumi-firestore-operations/";

// biome-ignore lint/suspicious/noExplicitAny: a constructor of any signature
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Makes `instanceof errorClass` true for any object whose prototype chain carries the class's marker, from whichever
 * copy of the package built it. A subclass carries its parents' markers through the chain; each class is marked
 * here itself, since a static `Symbol.hasInstance` is inherited and would otherwise check the parent's marker.
 * Every error class of this package, wherever it is declared, calls this right after its declaration.
 */
export function markClass(errorClass: ErrorClass, className: string): void {
  const marker = Symbol.for(MARKER_PREFIX + className);
  Object.defineProperty(errorClass.prototype, marker, { value: true });
  Object.defineProperty(errorClass, Symbol.hasInstance, {
    value(this: unknown, candidate: unknown): boolean {
      // A subclass that is not marked (one a user wrote) keeps the ordinary prototype check.
      if (this !== errorClass) return Function.prototype[Symbol.hasInstance].call(this, candidate);
      return (
        typeof candidate === "object" && candidate !== null && (candidate as Record<symbol, unknown>)[marker] === true
      );
    },
  });
}

/**
 * The base class of every error this package throws; `instanceof FirestoreOperationsError` tells them from
 * anything else (a bug, a library's error).
 */
export class FirestoreOperationsError extends Error {
  /** The class name, which survives serialization (a front end's log shows it). */
  override name = "FirestoreOperationsError";

  /** Brand kept for {@link isFirestoreOperationsError}'s older callers; use `instanceof`. */
  get isFirestoreOperationsError(): true {
    return true;
  }
}
markClass(FirestoreOperationsError, "FirestoreOperationsError");

/**
 * An input or setting broke a rule; thrown before anything is started. Carries the `field` at fault and the
 * `rule` it broke; the message is `field: rule`.
 */
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
markClass(InvalidInputError, "InvalidInputError");

/** What an {@link ApiRequestError} carries besides its message. */
export interface ApiRequestErrorOptions {
  /** HTTP status, or 0 when no response arrived (reset, timeout). */
  httpStatus: number;
  /** The google.rpc.Code name, e.g. NOT_FOUND, when the server sent one. */
  status?: string | undefined;
  /** True when the request may have taken effect although it failed (a POST that timed out, a 5xx). */
  ambiguous: boolean;
  /** The error behind this one (a socket error, an unreadable answer). */
  cause?: unknown;
  /** How long the server asked us to wait before trying again. */
  retryHint?: RetryHint;
  /** The next try would come after the deadline. */
  retryBeyondDeadline?: boolean;
}

/**
 * The Admin API answered a request with an error (the AIP-193 envelope), or the request never completed (reset,
 * timeout, unreadable answer). Carries the HTTP status, the google.rpc.Code name, whether the request may have
 * taken effect anyway (`ambiguous`), and the server's retry hint.
 */
export class ApiRequestError extends FirestoreOperationsError {
  override name = "ApiRequestError";
  /** HTTP status, or 0 when no response arrived (reset, timeout). */
  readonly httpStatus: number;
  /** The google.rpc.Code name, e.g. NOT_FOUND, when the server sent one. */
  readonly status: string | undefined;
  /** True when the request may have taken effect although it failed (a POST that timed out, a 5xx). */
  readonly ambiguous: boolean;
  /** How long the server asked us to wait before trying again (its Retry-After header or RetryInfo detail). */
  readonly retryHint?: RetryHint;
  /** The next try would come after the deadline (client/retry-hint.ts): trying again later is pointless. */
  readonly retryBeyondDeadline?: true;

  constructor(message: string, options: ApiRequestErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.httpStatus = options.httpStatus;
    this.status = options.status;
    this.ambiguous = options.ambiguous;
    if (options.retryHint !== undefined) this.retryHint = options.retryHint;
    if (options.retryBeyondDeadline) this.retryBeyondDeadline = true;
  }
}
markClass(ApiRequestError, "ApiRequestError");

/**
 * The operation did not finish within the caller's own timeout.
 * Carries the operation's name and its last state; the operation itself may still be running.
 */
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
markClass(OperationTimeoutError, "OperationTimeoutError");

/**
 * The reason a `Deadline` aborts with (a setting's time ran out); waits and requests turn it into an error that says
 * what timed out. Carries only its message.
 */
export class DeadlineExceededError extends FirestoreOperationsError {
  override name = "DeadlineExceededError";
}
markClass(DeadlineExceededError, "DeadlineExceededError");

/**
 * The caller's AbortSignal stopped a request or a wait. Carries whether the request may have
 * taken effect anyway (`ambiguous`).
 */
export class InterruptedError extends FirestoreOperationsError {
  override name = "InterruptedError";
  /** True when a request that may take effect was already sent (a start POST): it may have started. */
  readonly ambiguous: boolean;
  constructor(message: string, options: { ambiguous: boolean }) {
    super(message);
    this.ambiguous = options.ambiguous;
  }
}
markClass(InterruptedError, "InterruptedError");

/**
 * Credentials could not produce an access token (the token endpoint refused, or could not be reached); nothing was
 * sent to the Admin API. Carries only its message, which names the credentials' source.
 */
export class CredentialsError extends FirestoreOperationsError {
  override name = "CredentialsError";
}
markClass(CredentialsError, "CredentialsError");

/** A delete asked to cancel an operation the server cannot cancel (UNIMPLEMENTED). Carries only its message. */
export class CancelUnimplementedError extends FirestoreOperationsError {
  override name = "CancelUnimplementedError";
}
markClass(CancelUnimplementedError, "CancelUnimplementedError");

/**
 * After an ambiguous start, no single in-flight operation could be proven to be ours; nothing is recorded. Carries
 * the operations that matched the request (none, or more than one).
 */
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
markClass(AmbiguousStartError, "AmbiguousStartError");

/** The server sent something that is not a valid Operation. Carries only its message, which says what is wrong. */
export class MalformedResponseError extends FirestoreOperationsError {
  override name = "MalformedResponseError";
}
markClass(MalformedResponseError, "MalformedResponseError");

/**
 * Whether `error` is one of this package's errors, from either copy of it.
 * @deprecated Use `error instanceof FirestoreOperationsError`, which is the same check.
 */
export function isFirestoreOperationsError(error: unknown): error is FirestoreOperationsError {
  return error instanceof FirestoreOperationsError;
}

/**
 * Whether `error` is an {@link ApiRequestError}, from either copy of the package.
 * @deprecated Use `error instanceof ApiRequestError`, which is the same check.
 */
export function isApiRequestError(error: unknown): error is ApiRequestError {
  return error instanceof ApiRequestError;
}

/** The input or config key an InvalidInputError names, if `error` is one. */
export function fieldOf(error: unknown): string | undefined {
  return error instanceof InvalidInputError ? error.field : undefined;
}
