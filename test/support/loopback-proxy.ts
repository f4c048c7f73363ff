import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the proxy received it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/v1/projects/P/databases/D/operations?filter=done%3Dfalse`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What the target answered (or what a hook answers instead). */
export interface ProxyReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Drop the connection instead of answering. */
  destroy?: boolean;
  /** Send the body in pieces with chunked encoding (no Content-Length). */
  chunked?: boolean;
}

/**
 * Decides one request: return a reply to answer it, or `undefined` to relay the target's answer as it is.
 * `forward()` sends the request on to the target (at most once) and resolves with its answer.
 */
export type ProxyHook = (
  request: ProxiedRequest,
  forward: () => Promise<ProxyReply>,
) => Promise<ProxyReply | undefined>;

export interface LoopbackProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Where requests go on (`http://127.0.0.1:PORT` of the emulator); set once it is known. */
  target: string;
  hook: ProxyHook;
  /** Every request received, in order: `METHOD path?query`. */
  seen: string[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

/**
 * An HTTP server on 127.0.0.1 in front of the emulator: relays every request unless the hook answers it, so a
 * test can mangle one answer (an HTML page, a cut JSON body) of an otherwise real exchange.
 */
export async function startProxy(hook: ProxyHook = async () => undefined): Promise<LoopbackProxy> {
  const proxy: LoopbackProxy = {
    url: "",
    target: "",
    hook,
    seen: [],
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    res.on("error", () => {
      // the client hung up
    });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ProxiedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      proxy.seen.push(`${request.method} ${request.url}`);
      let forwarded: Promise<ProxyReply> | undefined;
      const forward = () => {
        forwarded ??= relay(proxy.target, request);
        return forwarded;
      };
      proxy
        .hook(request, forward)
        .then(async (reply) => reply ?? (await forward()))
        .then(
          (reply) => {
            if (reply.destroy) {
              req.socket.destroy();
              return;
            }
            const body = Buffer.from(reply.body ?? "");
            if (!reply.chunked) {
              res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) });
              res.end(body);
              return;
            }
            res.writeHead(reply.status, reply.headers ?? {});
            for (let at = 0; at < body.length; at += 64 * 1024) res.write(body.subarray(at, at + 64 * 1024));
            res.end();
          },
          (error: unknown) => {
            res.writeHead(599, { "content-type": "text/plain" });
            res.end(`proxy hook failed: ${String(error)}`);
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

async function relay(target: string, request: ProxiedRequest): Promise<ProxyReply> {
  if (!target) throw new Error("the proxy has no target yet");
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (typeof value === "string" && !HOP_BY_HOP.has(key)) headers[key] = value;
  }
  const response = await fetch(`${target}${request.url}`, {
    method: request.method,
    headers,
    ...(request.body.length > 0 ? { body: request.body } : {}),
  });
  const replyHeaders: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    if (!HOP_BY_HOP.has(key) && key !== "content-encoding") replyHeaders[key] = value;
  });
  return { status: response.status, headers: replyHeaders, body: Buffer.from(await response.arrayBuffer()) };
}

/** A proxy for the duration of `body`. */
export async function withProxy<T>(body: (proxy: LoopbackProxy) => Promise<T>, hook?: ProxyHook): Promise<T> {
  const proxy = await startProxy(hook);
  try {
    return await body(proxy);
  } finally {
    await proxy.close();
  }
}
