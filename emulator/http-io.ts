import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./api-error";

/** Request bodies above this are refused before parsing: admin requests are tiny. */
export const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError("INVALID_ARGUMENT", `Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.", {
      reason: "INVALID_JSON",
    });
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

export function sendError(res: ServerResponse, error: ApiError, pretty = true): void {
  sendJson(res, error.httpStatus, error.toEnvelope(), { pretty, headers: error.responseHeaders() });
}
