import * as http from "node:http";
import { createAdminClient } from "../client/create-client";
import { settingsFrom } from "../client/settings";
import { waitUntilDone } from "../client/wait";
import { PULUMI_CONFIG_KEYS, providerFor } from "../provider/runtime";
import { type LoopbackServer, listenOnLoopback } from "../test/support/loopback-server";
import type { Benchmark } from "./benchmark";
import { table } from "./markdown";
import { formatMs, median } from "./stats";

const DB = "projects/demo-project/databases/(default)";
const NAME = `${DB}/operations/AS-bench`;

type Server = "silent" | "stall-body";

/** Never answers, or sends headers and the start of a body and then nothing: the two ways to hang a client. */
async function hostile(how: Server): Promise<LoopbackServer> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.on("error", () => {});
    if (how === "stall-body") {
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      res.write('{"name":');
    }
  });
  return listenOnLoopback(server);
}

/** What a user waits on: a wait for an operation to finish, and a create (start POST, then the lookup). */
type Path = "wait" | "create";

async function timeToFail(path: Path, endpoint: string, deadlineMs: number): Promise<number> {
  const settings = settingsFrom((key) => (key === "endpoint" ? endpoint : undefined), {});
  const started = performance.now();
  try {
    if (path === "wait") {
      await waitUntilDone(createAdminClient(settings), NAME, {
        timeoutMs: deadlineMs,
        purpose: "the benchmark",
      });
    } else {
      // The provider as its host drives it: its create is what bounds a start POST and the lookup after it.
      const provider = providerFor("export");
      await provider.configure?.({
        config: { get: (key: string) => (key === PULUMI_CONFIG_KEYS.endpoint ? endpoint : undefined) },
      } as never);
      const seconds = `${deadlineMs / 1000}s`;
      await provider.create({ database: DB, outputUriPrefix: "gs://bkt/x", timeouts: { create: seconds } });
    }
  } catch (error) {
    const elapsed = performance.now() - started;
    // Ending before the deadline is no overshoot to measure: a wrong setup (the request never reached the
    // server) or a bug. Either way the benchmark must say so rather than print a negative figure.
    if (elapsed < deadlineMs)
      throw new Error(`${path} ended ${formatMs(deadlineMs - elapsed)} before its deadline: ${String(error)}`);
    return elapsed;
  }
  throw new Error(`${path} against a hostile server succeeded`);
}

/**
 * How far past its deadline a wait ends when the server never helps: against a server that never answers and
 * one that stalls the body after the headers, for a few deadline values. The overshoot is the time between the
 * deadline and the error; runs of one deadline go side by side (they only wait).
 */
export const deadlineOvershoot: Benchmark = {
  name: "deadline-overshoot",
  title: "deadline overshoot",
  async run(options, progress) {
    const deadlines = options.quick ? [1_000, 3_000] : [1_000, 3_000, 10_000];
    const runs = options.quick ? 3 : 7;
    const rows: string[][] = [];
    let worst = 0;
    for (const how of ["silent", "stall-body"] as const) {
      const server = await hostile(how);
      try {
        for (const path of ["wait", "create"] as const) {
          for (const deadlineMs of deadlines) {
            const samples = await Promise.all(
              Array.from({ length: runs }, () => timeToFail(path, server.endpoint, deadlineMs)),
            );
            const overshoots = samples.map((ms) => ms - deadlineMs);
            const max = Math.max(...overshoots);
            worst = Math.max(worst, max);
            progress(`${how} ${path} ${deadlineMs} ms: overshoot median ${formatMs(median(overshoots))}`);
            rows.push([
              how,
              path,
              formatMs(deadlineMs),
              formatMs(median(overshoots)),
              formatMs(max),
              `${(median(samples) / deadlineMs).toFixed(3)}×`,
              formatMs(Math.min(...overshoots)),
            ]);
          }
        }
      } finally {
        await server.close();
      }
    }
    return [
      `${runs} runs per row, side by side. Overshoot: time from the deadline to the error; ratio: median time to`,
      "the error over the deadline (1.000× is exact). A negative minimum would mean a wait ended early.",
      "",
      table(["server", "what", "deadline", "overshoot median", "overshoot max", "ratio", "overshoot min"], rows),
      "",
      `Worst overshoot: ${formatMs(worst)}.`,
    ].join("\n");
  },
};
