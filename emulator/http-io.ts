import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, bindingError, type ErrorFormat } from "./api-error";

/**
 * How long an idle keep-alive connection stays open: as Google's front ends, far longer than clients keep theirs
 * (Node's agents and undici give up after 4-5 s; Google's load balancers default to 610 s). A server that closed
 * first could close a socket a client is just reusing ("other side closed"), as a 5 s timeout did on a machine
 * that starved the emulator for seconds. close() still ends idle connections at once.
 */
export const IDLE_KEEP_ALIVE_MS = 610_000;

/** Request bodies above this are refused before parsing: admin requests are tiny. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A body over MAX_BODY_BYTES: 413, and the connection is closed rather than the rest read. */
export function bodyTooLarge(): ApiError {
  return new ApiError("INVALID_ARGUMENT", `Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`, {
    reason: "REQUEST_TOO_LARGE",
    httpStatus: 413,
    headers: { connection: "close" },
  });
}

/**
 * A body over the limit is still read (and dropped) up to this size before the 413 is sent, so that the client,
 * still uploading, reads the answer instead of a reset; beyond it the connection is cut at once.
 */
const MAX_DRAINED_BYTES = 16 * MAX_BODY_BYTES;

/** The body as text; throws bodyTooLarge() for one over MAX_BODY_BYTES, keeping none of it past the limit. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_DRAINED_BYTES) throw bodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DRAINED_BYTES) throw bodyTooLarge();
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw bodyTooLarge();
  return Buffer.concat(chunks).toString("utf8");
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw bindingError("Invalid JSON payload received. Unexpected token.");
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  options: { pretty?: boolean; headers?: Record<string, string> } = {},
): void {
  const text = options.pretty === false ? JSON.stringify(body) : `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    ...options.headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError, pretty = true, format: ErrorFormat = "2"): void {
  sendJson(res, error.httpStatus, error.toEnvelope(format), { pretty, headers: error.responseHeaders() });
}

/** Google's front end's page for a URL no method serves (trailing slash, `//`, wrong method): HTML, not JSON. */
export function sendNotFoundPage(res: ServerResponse, pathname: string): void {
  const text = notFoundPage(pathname);
  res.writeHead(404, {
    "content-type": "text/html; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    "x-content-type-options": "nosniff",
  });
  res.end(text);
}

export function notFoundPage(pathname: string): string {
  return [
    "<!DOCTYPE html>",
    "<html lang=en>",
    "  <meta charset=utf-8>",
    '  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">',
    "  <title>Error 404 (Not Found)!!1</title>",
    "  <p><b>404.</b> <ins>That\u2019s an error.</ins>",
    `  <p>The requested URL <code>${escapeHtml(pathname)}</code> was not found on this server.  <ins>That\u2019s all we know.</ins>`,
    "",
  ].join("\n");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
