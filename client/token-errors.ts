import { renewEmulatorCredentials } from "./auth-hint";
import { CredentialsError } from "./errors";
import type { Redactor } from "./redaction";
import { serverText } from "./redaction";
import { isLoopbackEndpoint } from "./settings";

/**
 * A google-auth-library (gaxios) failure as a CredentialsError with one clean message and no cause. Its own
 * errors carry the request's config (the token request body, with the assertion, subject token or client
 * secret; the Authorization header) and the response, as enumerable fields: none of that may reach
 * `util.inspect`. What the request sent is added to the redactor first, so a token endpoint that echoes it
 * back cannot get it printed either.
 */
export function tokenError(error: unknown, redactor: Redactor): CredentialsError {
  const e = (typeof error === "object" && error !== null ? error : {}) as GaxiosLike;
  const config = e.config ?? e.response?.config;
  const scrub = redactor.with(...sentValues(config));
  const host = hostOf(config?.url);
  const status = typeof e.response?.status === "number" ? e.response.status : undefined;
  const code = typeof e.code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(e.code) ? e.code : undefined;
  const detail = oauthDetail(e.response?.data) ?? firstLine(error);
  const what = [status === undefined ? code : `HTTP ${status}`, detail ? serverText(detail, scrub, 300) : undefined]
    .filter(Boolean)
    .join(": ");
  return new CredentialsError(
    `could not get an access token${host ? ` from ${host}` : ""}: ${what || "unknown error"}${renewal(config?.url, status, what)}`,
  );
}

/**
 * A grant refused by a token endpoint on loopback is the emulator's: its credentials last an hour after they were
 * written, and writing them again is the fix. Said unless the emulator's own answer already says how.
 */
function renewal(url: unknown, status: number | undefined, what: string): string {
  if (status !== 400 || !/invalid_grant/.test(what) || /--write-credentials/.test(what)) return "";
  let endpoint: URL;
  try {
    endpoint = new URL(String(url));
  } catch {
    return "";
  }
  if (!isLoopbackEndpoint(endpoint.href)) return "";
  return `. The emulator's credentials last an hour after they are written: write them again with ${renewEmulatorCredentials(`${endpoint.protocol}//${endpoint.host}`)}`;
}

interface GaxiosLike {
  code?: unknown;
  message?: unknown;
  config?: RequestConfig;
  response?: { status?: unknown; data?: unknown; config?: RequestConfig };
}

interface RequestConfig {
  url?: unknown;
  data?: unknown;
  body?: unknown;
  headers?: unknown;
}

/** Fields of a token request that are not secret, kept readable in messages. */
const PUBLIC_FIELDS = new Set([
  "grant_type",
  "scope",
  "audience",
  "requested_token_type",
  "subject_token_type",
  "actor_token_type",
  "options",
  "content-type",
  "accept",
  "user-agent",
  "x-goog-api-client",
]);

/** Every value the failed request sent that may be secret: body fields (form or JSON), and header values. */
function sentValues(config: RequestConfig | undefined): string[] {
  if (!config) return [];
  const out: string[] = [];
  const pairs = (value: unknown): [string, unknown][] => {
    if (typeof value === "string") {
      out.push(value);
      return value.includes("=") ? [...new URLSearchParams(value)] : [];
    }
    if (value instanceof URLSearchParams || value instanceof Headers) return [...value.entries()];
    if (typeof value === "object" && value !== null) return Object.entries(value);
    return [];
  };
  for (const source of [config.data, config.body, config.headers]) {
    for (const [key, value] of pairs(source)) {
      if (typeof value === "string" && !PUBLIC_FIELDS.has(key.toLowerCase())) out.push(value);
    }
  }
  return out;
}

function hostOf(url: unknown): string | undefined {
  try {
    return typeof url === "string" || url instanceof URL ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6749's `error` and `error_description`, or Google's `{error: {status, message}}`, as text. */
function oauthDetail(data: unknown): string | undefined {
  if (typeof data === "string") return data.trim() === "" ? undefined : data;
  if (typeof data !== "object" || data === null) return undefined;
  const { error, error_description: description } = data as { error?: unknown; error_description?: unknown };
  const parts: string[] = [];
  if (typeof error === "string") parts.push(error);
  else if (typeof error === "object" && error !== null) {
    const { status, message } = error as { status?: unknown; message?: unknown };
    if (typeof status === "string") parts.push(status);
    if (typeof message === "string") parts.push(message);
  }
  if (typeof description === "string") parts.push(description);
  return parts.length > 0 ? parts.join(": ") : undefined;
}

function firstLine(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : undefined;
  return message?.split("\n")[0];
}
