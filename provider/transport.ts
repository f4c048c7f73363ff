import type { AuthHeaders } from "./auth-headers";
import { type Backoff, delayFor, RETRY_BACKOFF, retryAfterMs, sleep } from "./backoff";
import { ApiRequestError, MalformedResponseError } from "./errors";

export interface TransportOptions {
  auth: AuthHeaders;
  userProject?: string;
  /** Per-attempt timeout. */
  attemptTimeoutMs?: number;
  /** Attempts for idempotent requests (the first included). */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Largest response body we read; an Operation is a few KB. */
  maxResponseBytes?: number;
  /** Called on every retry, for counting in tests and benchmarks. */
  onRetry?: (info: { method: string; path: string; attempt: number; reason: string }) => void;
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

/** HTTP for the Admin API: auth headers, per-attempt timeouts, transient retries for idempotent calls only. */
export class Transport {
  private readonly attemptTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: TransportOptions) {
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.backoff = options.backoff ?? RETRY_BACKOFF;
    this.maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  }

  async request(request: Request): Promise<unknown> {
    const path = new URL(request.url).pathname;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(request, path);
      if (outcome.ok) return outcome.body;
      const error = outcome.error;
      const retryable = request.idempotent && outcome.retryable && attempt + 1 < this.maxAttempts;
      if (!retryable) throw error;
      const wait = outcome.retryAfterMs ?? delayFor(this.backoff, attempt);
      this.options.onRetry?.({ method: request.method, path, attempt: attempt + 1, reason: error.message });
      await sleep(wait);
    }
  }

  private async attempt(
    request: Request,
    path: string,
  ): Promise<
    { ok: true; body: unknown } | { ok: false; error: ApiRequestError; retryable: boolean; retryAfterMs?: number }
  > {
    const what = `${request.method} ${path}`;
    const headers: Record<string, string> = {
      ...(await this.options.auth.headers(request.url)),
      accept: "application/json",
      "x-goog-api-client": "pulumi-firestore-operations",
    };
    if (this.options.userProject) headers["x-goog-user-project"] = this.options.userProject;
    if (request.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(this.attemptTimeoutMs),
        redirect: "error",
      });
      // The body is part of the attempt: a stall (timeout) or a reset while reading it is a missing answer.
      text = await readCapped(response, this.maxResponseBytes, what);
    } catch (cause) {
      if (cause instanceof MalformedResponseError) throw cause;
      const code = networkCode(cause);
      const neverSent = code !== undefined && NEVER_SENT.has(code);
      const reason = code ?? (cause instanceof Error && cause.name === "TimeoutError" ? "timeout" : "network error");
      return {
        ok: false,
        retryable: true,
        error: new ApiRequestError(`${what}: no response (${reason})`, 0, undefined, !neverSent, { cause }),
      };
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
    const status = envelope?.status;
    const message = envelope?.message ?? `HTTP ${response.status}`;
    const after = retryAfterMs(response.headers.get("retry-after"));
    return {
      ok: false,
      retryable: RETRYABLE_STATUS.has(response.status),
      ...(after === undefined ? {} : { retryAfterMs: after }),
      error: new ApiRequestError(
        `${what}: ${response.status}${status ? ` ${status}` : ""}: ${message}`,
        response.status,
        status,
        response.status >= 500 || response.status === 408,
      ),
    };
  }
}

async function readCapped(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new MalformedResponseError(`${what}: response of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new MalformedResponseError(`${what}: response exceeds the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseEnvelope(text: string): { status?: string; message?: string } | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { status?: unknown; message?: unknown } };
    const error = parsed?.error;
    if (typeof error !== "object" || error === null) return undefined;
    return {
      ...(typeof error.status === "string" ? { status: error.status.slice(0, 64) } : {}),
      ...(typeof error.message === "string" ? { message: error.message.slice(0, 1_000) } : {}),
    };
  } catch {
    return undefined;
  }
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
