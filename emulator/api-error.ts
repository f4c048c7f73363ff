/**
 * Request-level errors in the AIP-193 HTTP/JSON envelope, as Google's front end sends them:
 * `{"error": {"code": HTTP, "message", "status": NAME, "details": [...]}}`. Always sending `status`
 * matters: gax maps an unknown 4xx without it to FAILED_PRECONDITION.
 */

export const RPC_CODES = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type RpcStatusName = keyof typeof RPC_CODES;

/** google/rpc/code.proto "HTTP Mapping". */
const HTTP_STATUS: Record<RpcStatusName, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

export function httpStatusOf(status: RpcStatusName): number {
  return HTTP_STATUS[status];
}

/** Google's JSON binder names no `field` for an unknown name, only for a value that does not parse. */
export interface FieldViolation {
  field?: string;
  description: string;
}

export interface ApiErrorOptions {
  /** ErrorInfo.reason; AIP-193 wants one on every error. */
  reason?: string;
  fieldViolations?: FieldViolation[];
  /** Seconds; sent as RetryInfo and as the Retry-After header (unless `retryHints` says otherwise). */
  retryAfterSeconds?: number;
  /** Which of the two carry `retryAfterSeconds`: both (the default), one, or neither. */
  retryHints?: RetryHints;
  /** More ErrorInfo metadata (a quota error's `quota_metric`, `quota_limit`, `consumer`). */
  metadata?: Record<string, string>;
  headers?: Record<string, string>;
  /**
   * A JSON-binding error (unknown name, a value of the wrong type): Google's front end answers those before the
   * service sees the request, with a `BadRequest` detail only (no ErrorInfo).
   */
  binding?: boolean;
  /** The HTTP status when no RPC code maps to it (413 for a body over the limit). */
  httpStatus?: number;
}

/** How a refusal says when to try again: RetryInfo detail, Retry-After header, both or neither. */
export type RetryHints = "both" | "retry-info" | "retry-after" | "none";

export const RETRY_HINTS: readonly RetryHints[] = ["both", "retry-info", "retry-after", "none"];

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly httpStatus: number;

  constructor(
    readonly status: RpcStatusName,
    message: string,
    readonly options: ApiErrorOptions = {},
  ) {
    super(message);
    this.httpStatus = options.httpStatus ?? httpStatusOf(status);
  }

  /**
   * The JSON error body in `$.xgafv` format 2 (the default: google.rpc.Status with details) or 1 (the older
   * format Google keeps for its discovery-based client libraries: `errors[]` with `domain` and a lowerCamel
   * `reason`, no details).
   */
  toEnvelope(format: ErrorFormat = "2"): { error: Record<string, unknown> } {
    if (format === "1") {
      return {
        error: {
          code: this.httpStatus,
          message: this.message,
          errors: [{ message: this.message, domain: "global", reason: legacyReason(this.httpStatus) }],
          status: this.status,
        },
      };
    }
    const details: Record<string, unknown>[] = [];
    if (!this.options.binding) {
      details.push({
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: this.options.reason ?? this.status,
        domain: "googleapis.com",
        metadata: { service: "firestore.googleapis.com", ...this.options.metadata },
      });
    }
    if (this.options.fieldViolations?.length) {
      details.push({
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        fieldViolations: this.options.fieldViolations,
      });
    }
    const hints = this.options.retryHints ?? "both";
    if (this.options.retryAfterSeconds !== undefined && (hints === "both" || hints === "retry-info")) {
      details.push({
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        retryDelay: `${this.options.retryAfterSeconds}s`,
      });
    }
    return { error: { code: this.httpStatus, message: this.message, status: this.status, details } };
  }

  responseHeaders(): Record<string, string> {
    const headers: Record<string, string> = { ...this.options.headers };
    const hints = this.options.retryHints ?? "both";
    if (this.options.retryAfterSeconds !== undefined && (hints === "both" || hints === "retry-after")) {
      headers["retry-after"] = String(this.options.retryAfterSeconds);
    }
    return headers;
  }
}

/** The `$.xgafv` values: "1" the older error format, "2" (the default) google.rpc.Status. */
export type ErrorFormat = "1" | "2";

/** The lowerCamel reasons of the older error format, by HTTP status. */
function legacyReason(httpStatus: number): string {
  const reasons: Record<number, string> = {
    400: "badRequest",
    401: "required",
    403: "forbidden",
    404: "notFound",
    409: "conflict",
    413: "uploadTooLarge",
    429: "rateLimitExceeded",
    499: "clientClosedRequest",
    501: "notImplemented",
    503: "backendError",
    504: "deadlineExceeded",
  };
  return reasons[httpStatus] ?? "backendError";
}

/**
 * A JSON-binding error: a name the request message does not have, or a body that is not JSON (no `field`, as
 * Google sends them), or a value that does not parse as its field's type (`field` names it).
 */
export function bindingError(description: string, field?: string): ApiError {
  return new ApiError("INVALID_ARGUMENT", description, {
    binding: true,
    fieldViolations: [field === undefined ? { description } : { field, description }],
  });
}

export function invalidArgument(field: string, description: string): ApiError {
  return new ApiError("INVALID_ARGUMENT", description, {
    reason: "INVALID_ARGUMENT",
    fieldViolations: [{ field, description }],
  });
}
