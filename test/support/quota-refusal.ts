import { ApiRequestError } from "../../client/errors";

/** A start refused for quota (429) whose Retry-After names `retryAfterMs`, as the transport reports it. */
export function quotaRefusal(retryAfterMs: number): ApiRequestError {
  return new ApiRequestError("429 RESOURCE_EXHAUSTED: Quota exceeded", {
    httpStatus: 429,
    status: "RESOURCE_EXHAUSTED",
    ambiguous: false,
    retryHint: { ms: retryAfterMs, said: `Retry-After: ${retryAfterMs / 1000}` },
  });
}
