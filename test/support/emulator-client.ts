import type { EmulatorOptions } from "../../emulator/emulator";
import { DEV_TOKEN, type RunningEmulator, startEmulator } from "../../emulator/index";
import type { RequestLogEntry } from "../../emulator/request-log";

/** A started emulator plus small HTTP helpers: tests talk to it over real sockets only. */
export interface TestEmulator extends RunningEmulator {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpReply>;
  control(method: string, path: string, body?: unknown): Promise<HttpReply>;
}

export interface HttpReply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire; tests assert on its shape.
  json: any;
}

export const DB = "projects/demo-project/databases/(default)";

/** An emulator's HTTP API as the end-to-end harnesses call it: JSON in, JSON (or `undefined`) out, any status. */
export interface EmulatorApi {
  /** The Admin API, with the emulator's development token. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
  admin(method: string, pathname: string, body?: unknown): Promise<any>;
  /** The control API (`/emulator/v1/<pathname>`). */
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
  control(method: string, pathname: string, body?: unknown): Promise<any>;
  /** The emulator's request log, oldest first. */
  requests(): Promise<RequestLogEntry[]>;
}

/** The API of the emulator at `emulator.url`, read at each call (a restarted emulator is reached where it is now). */
export function emulatorApi(emulator: { readonly url: string }): EmulatorApi {
  const http = async (method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${emulator.url}${pathname}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  };
  return {
    admin: (method, pathname, body) => http(method, pathname, body, { authorization: `Bearer ${DEV_TOKEN}` }),
    control: (method, pathname, body) => http(method, `/emulator/v1/${pathname}`, body),
    requests: async () => (await http("GET", "/emulator/v1/requests")).requests,
  };
}

export async function withEmulator(
  options: EmulatorOptions,
  body: (emulator: TestEmulator) => Promise<void>,
): Promise<void> {
  const running = await startEmulator(options);
  const call = async (method: string, path: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(payload === undefined ? {} : { body: typeof payload === "string" ? payload : JSON.stringify(payload) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  };
  const emulator: TestEmulator = {
    ...running,
    call,
    control: (method, path, payload) => call(method, `/emulator/v1/${path}`, payload),
  };
  try {
    await body(emulator);
  } finally {
    await running.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `read` until `done` says so; fails after `timeoutMs` with the last value. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await sleep(25);
  }
}

/** The Admin API endpoints that start an operation (the emulator's request log names them so). */
export const START_ENDPOINTS = ["exportDocuments", "importDocuments", "bulkDeleteDocuments"];

/**
 * Finishes the operation `op` (SUCCESSFUL) once a run started after the request log's `cursor` polls it: that run
 * must have waited for it. Tests give such operations durations far beyond their own, so only this ends them,
 * never the wall clock of a slow machine.
 */
export async function finishOncePolled(emulator: EmulatorApi, op: string, cursor: number, timeoutMs = 60_000) {
  await waitFor(
    async () =>
      (await emulator.requests()).filter((r) => r.seq > cursor && r.endpoint === "operations.get" && r.operation === op)
        .length,
    (polls) => polls >= 1,
    timeoutMs,
  );
  const finish = await emulator.control("POST", `${op}:finish`, { state: "SUCCESSFUL" });
  if (finish?.state !== "SUCCESSFUL") throw new Error(`the emulator did not finish ${op}: ${JSON.stringify(finish)}`);
}
