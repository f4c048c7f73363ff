import type { EmulatorOptions } from "../../emulator/emulator";
import { type RunningEmulator, startEmulator } from "../../emulator/index";

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
