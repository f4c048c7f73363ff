import type { AuthHeaders } from "./auth-headers";
import { type Backoff, delayFor, RETRY_BACKOFF } from "./backoff";
import { type Clock, SYSTEM_CLOCK, sleep } from "./clock";
import { isDeadlineExceeded, linkAbort } from "./deadline";
import { ApiRequestError, FirestoreOperationsError, InterruptedError, MalformedResponseError } from "./errors";
import { Redactor, serverText } from "./redaction";
import { hintedWait, longestHint, type RetryHint, retryAfterHint, retryInfoHint } from "./retry-hint";

export interface TransportOptions {
  auth: AuthHeaders;
  userProject?: string;
  /** Per-attempt timeout, body read included. */
  attemptTimeoutMs?: number;
  /** Attempts for idempotent requests (the first included). */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Largest response body we read; an Operation is a few KB. */
  maxResponseBytes?: number;
  /** Scrubs known secrets (the configured token and credentials) from server text in messages. */
  redactor?: Redactor;
  /** What retries sleep on and attempts time out by; the client's waits use it too. Default: SYSTEM_CLOCK. */
  clock?: Clock;
  /** Called on every retry, for counting in tests and benchmarks. */
  onRetry?: (info: { method: string; path: string; attempt: number; maxAttempts: number; reason: string }) => void;
}

export interface Request {
  method: "GET" | "POST" | "DELETE";
  url: string;
  body?: unknown;
  /**
   * Whether the request may be sent again after a transient failure. Export and import POSTs are not
   * idempotent (Google's own clients never retry them); operations get, list and cancel are.
   */
  idempotent: boolean;
  /** Called with the headers of the response that succeeded. */
  onResponseHeaders?: (headers: Headers) => void;
  /**
   * Ends the request, its retries and its backoff sleeps: a `Deadline`'s signal (the error then says which
   * deadline passed), or the caller's own (an InterruptedError).
   */
  signal?: AbortSignal;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** Connection errors that prove the request never reached the server. */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
/**
 * A refused connection or a bad certificate does not heal in seconds: a couple of quick retries cover a
 * restarting server; more would only make a dead endpoint slow to report.
 */
const NEVER_SENT_ATTEMPTS = 3;

type Outcome =
  | { ok: true; body: unknown }
  | { ok: false; error: ApiRequestError; retryable: boolean; neverSent?: boolean; retryHint?: RetryHint };

/**
 * HTTP for the Admin API: auth headers, per-attempt timeouts, transient retries for idempotent calls only,
 * all bounded by the request's signal; server text in errors is scrubbed and cut, and errors carry no cause
 * (undici's and gaxios' errors hold request options, headers included).
 */
export class Transport {
  private readonly attemptTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private readonly maxResponseBytes: number;
  private readonly redactor: Redactor;
  readonly clock: Clock;

  constructor(private readonly options: TransportOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.backoff = options.backoff ?? RETRY_BACKOFF;
    this.maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
    this.redactor = options.redactor ?? new Redactor();
  }

  async request(request: Request): Promise<unknown> {
    const url = new URL(request.url);
    const what = `${request.method} ${url.pathname}`;
    const signal = request.signal;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw stopped(what, signal.reason, false, undefined);
      const outcome = await this.attempt(request, url, what);
      if (outcome.ok) return outcome.body;
      const error = outcome.error;
      const attempts = outcome.neverSent ? Math.min(this.maxAttempts, NEVER_SENT_ATTEMPTS) : this.maxAttempts;
      const retryable = request.idempotent && outcome.retryable && attempt + 1 < attempts;
      if (!retryable) throw error;
      let wait = delayFor(this.backoff, attempt);
      if (outcome.retryHint) {
        const hinted = hintedWait(outcome.retryHint, wait, signal);
        if (hinted.beyond !== undefined) throw notRetried(error, hinted.beyond);
        wait = hinted.waitMs;
      }
      this.options.onRetry?.({
        method: request.method,
        path: url.pathname,
        attempt: attempt + 1,
        maxAttempts: attempts,
        reason: error.message,
      });
      try {
        await sleep(wait, signal, this.clock);
      } catch (reason) {
        throw stopped(what, reason, false, error);
      }
    }
  }

  private async attempt(request: Request, url: URL, what: string): Promise<Outcome> {
    // Held in this frame until the body is read: the timer keeps the controller alive, whatever the GC does.
    const controller = new AbortController();
    const cancelTimer = this.clock.setTimer(this.attemptTimeoutMs, () => controller.abort(ATTEMPT_TIMED_OUT), {
      background: true,
    });
    const unlink = linkAbort(request.signal, controller);
    let sent = false;
    let redactor = this.redactor;
    let response: Response;
    let text: string;
    try {
      // A token endpoint that stalls is bounded like the request itself.
      const authorization = await untilAborted(this.options.auth.headers(request.url), controller.signal);
      // A server or proxy may echo what we sent: scrub this very request's header values too.
      redactor = this.redactor.with(...Object.values(authorization));
      const headers: Record<string, string> = {
        ...authorization,
        accept: "application/json",
        "x-goog-api-client": "pulumi-firestore-operations",
      };
      if (this.options.userProject) headers["x-goog-user-project"] = this.options.userProject;
      if (request.body !== undefined) headers["content-type"] = "application/json";
      sent = true;
      const responded = fetch(request.url, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: controller.signal,
        redirect: "error",
      });
      // Raced as well as passed: see readCapped.
      response = await untilAborted(responded, controller.signal);
      // The body is part of the attempt: a stall (timeout) or a reset while reading it is a missing answer.
      text = await readCapped(response, this.maxResponseBytes, what, controller.signal);
    } catch (cause) {
      if (request.signal?.aborted) throw stopped(what, request.signal.reason, sent, undefined);
      // Ours (a malformed or oversized answer, credentials that cannot produce a token): already clear.
      if (cause instanceof FirestoreOperationsError) throw cause;
      if (controller.signal.reason === ATTEMPT_TIMED_OUT) {
        const error = new ApiRequestError(
          `${what}: no response (timeout)${sent ? "" : " from the credentials' token endpoint"}`,
          { httpStatus: 0, ambiguous: sent },
        );
        return { ok: false, retryable: true, error };
      }
      return connectionFailure(cause, url, what);
    } finally {
      cancelTimer();
      unlink();
    }
    if (response.ok) {
      request.onResponseHeaders?.(response.headers);
      try {
        return { ok: true, body: text === "" ? {} : JSON.parse(text) };
      } catch {
        throw new MalformedResponseError(`${what}: the response is not JSON`);
      }
    }
    const envelope = parseEnvelope(text);
    const status = envelope?.status === undefined ? undefined : serverText(envelope.status, redactor, 64);
    const message =
      envelope?.message === undefined ? `HTTP ${response.status}` : serverText(envelope.message, redactor);
    // Google's front end sends the hint as a google.rpc.RetryInfo detail, some proxies as Retry-After: the longer.
    const hint = longestHint(
      retryAfterHint(response.headers.get("retry-after"), this.clock.now()),
      envelope?.retryHint,
    );
    return {
      ok: false,
      retryable: RETRYABLE_STATUS.has(response.status),
      ...(hint === undefined ? {} : { retryHint: hint }),
      error: new ApiRequestError(`${what}: ${response.status}${status ? ` ${status}` : ""}: ${message}`, {
        httpStatus: response.status,
        status: status,
        ambiguous: response.status >= 500 || response.status === 408,
        ...(hint === undefined ? {} : { retryHint: hint }),
      }),
    };
  }
}

const ATTEMPT_TIMED_OUT = Symbol("attempt timed out");

/** `promise`, or the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * A failure without an answer. Refused connections, DNS failures and TLS errors happen before the request is
 * written: definite, and said with the endpoint's host:port. Anything else (a reset, a socket closed mid-body)
 * may have reached the server.
 */
function connectionFailure(cause: unknown, url: URL, what: string): Outcome {
  const code = networkCode(cause);
  const host = url.port ? url.host : `${url.host}:${url.protocol === "https:" ? 443 : 80}`;
  // The endpoint check refuses these ports first (client/fetch-ports.ts); should fetch's list outgrow ours, the
  // refusal still says what it is: fetch sends nothing to a bad port.
  if ((cause as { cause?: { message?: unknown } })?.cause?.message === "bad port") {
    const error = new ApiRequestError(
      `${what}: Node's fetch refuses to connect to port ${url.port} (a "bad port" of the Fetch standard); nothing was sent`,
      { httpStatus: 0, ambiguous: false },
    );
    return { ok: false, retryable: false, error };
  }
  if (code !== undefined && (NEVER_SENT.has(code) || isTlsCode(code))) {
    const error = new ApiRequestError(
      `${what}: could not ${isTlsCode(code) ? "establish a trusted TLS connection to" : "connect to"} ${host} (${code}); nothing was sent`,
      { httpStatus: 0, ambiguous: false },
    );
    return { ok: false, retryable: true, neverSent: true, error };
  }
  const error = new ApiRequestError(`${what}: no response from ${host} (${code ?? "network error"})`, {
    httpStatus: 0,
    ambiguous: true,
  });
  return { ok: false, retryable: true, error };
}

/**
 * A retryable failure whose next try the deadline cannot hold (client/retry-hint.ts): thrown at once. A 429 is a
 * refusal, so the request did nothing; anything else is as ambiguous as the failure was.
 */
function notRetried(last: ApiRequestError, beyond: string): ApiRequestError {
  const effect = last.httpStatus === 429 ? "; the server refused the request (429), so it did nothing" : "";
  return new ApiRequestError(`${last.message}. Not tried again: ${beyond}${effect}`, {
    httpStatus: last.httpStatus,
    status: last.status,
    ambiguous: last.ambiguous,
    ...(last.retryHint ? { retryHint: last.retryHint } : {}),
    retryBeyondDeadline: true,
  });
}

/** The signal ended the request: a deadline (says which) or the caller (an InterruptedError). */
function stopped(what: string, reason: unknown, sent: boolean, last: ApiRequestError | undefined): Error {
  const after = last ? ` after ${last.message}` : "";
  const effect = sent ? "; the request was sent, so it may have taken effect" : "";
  if (isDeadlineExceeded(reason)) {
    return new ApiRequestError(`${what}: no answer before ${reason.message}${after}${effect}`, {
      httpStatus: last?.httpStatus ?? 0,
      status: last?.status,
      ambiguous: sent || (last?.ambiguous ?? false),
    });
  }
  const why = reason instanceof Error ? reason.message : String(reason);
  return new InterruptedError(`${what}: interrupted (${serverText(why, undefined, 200)})${after}${effect}`, {
    ambiguous: sent || (last?.ambiguous ?? false),
  });
}

/**
 * Reads the body up to `maxBytes`, each read raced against `signal`: undici holds the request's own abort
 * controller only weakly once the headers are in, so after a garbage collection aborting fetch's signal no
 * longer reaches the body, and a stalled body would be read forever.
 */
async function readCapped(response: Response, maxBytes: number, what: string, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new MalformedResponseError(`${what}: response of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new MalformedResponseError(`${what}: response exceeds the ${maxBytes}-byte limit`);
      chunks.push(value);
    }
  } catch (error) {
    // Closes the connection: what is left of this body is never read.
    reader.cancel().catch(() => {});
    throw error;
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseEnvelope(text: string): { status?: string; message?: string; retryHint?: RetryHint } | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { status?: unknown; message?: unknown; details?: unknown } };
    const error = parsed?.error;
    if (typeof error !== "object" || error === null) return undefined;
    const retryHint = retryInfoHint(error.details);
    return {
      ...(typeof error.status === "string" ? { status: error.status } : {}),
      ...(typeof error.message === "string" ? { message: error.message } : {}),
      ...(retryHint === undefined ? {} : { retryHint }),
    };
  } catch {
    return undefined;
  }
}

/** The first error code in the cause chain (an AggregateError, from trying each address, counts its first). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const errors = (current as { errors?: unknown }).errors;
    current = (current as { cause?: unknown }).cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}

/** OpenSSL's certificate verification codes and Node's TLS errors: the handshake failed, nothing was sent. */
function isTlsCode(code: string): boolean {
  return (
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code.startsWith("CERT_") ||
    code.startsWith("UNABLE_TO_") ||
    code.includes("SELF_SIGNED") ||
    code === "HOSTNAME_MISMATCH"
  );
}
