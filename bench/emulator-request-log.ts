import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { type RequestLogEntry, type RunningEmulator, startEmulator } from "../emulator/index";
import { RequestLog } from "../emulator/request-log";
import type { Benchmark } from "./benchmark";
import { DATABASE } from "./emulator-admin";
import { table } from "./markdown";
import { formatRatio, median, verdict } from "./stats";

/** Seconds of GETs per measurement, alternating rounds of fresh and filled, and the warm-up; --quick is short. */
const FULL = { seconds: 3, rounds: 8, warmUpSeconds: 2 };
const QUICK = { seconds: 1, rounds: 2, warmUpSeconds: 1 };

const REQUESTS = 1_000_000;
const CONNECTIONS = 10;
/** The log's capacity: where the first release's log started to splice on every request. */
const CAPACITY = 100_000;
const run = promisify(execFile);

interface Throughput {
  perSecond: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** Closed-loop load (as fast as the server answers) from autocannon in a process of its own. */
async function throughput(url: string, seconds: number): Promise<Throughput> {
  const cli = require.resolve("autocannon/autocannon.js");
  const { stdout } = await run(
    process.execPath,
    [cli, "-c", String(CONNECTIONS), "-d", String(seconds), "-j", "-n", url],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const result = JSON.parse(stdout) as {
    duration: number;
    requests: { total: number };
    errors: number;
    non2xx: number;
  };
  return {
    perSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** An emulator in this process with one long-running export to GET. */
async function emulatorWithOperation(): Promise<{ running: RunningEmulator; target: string }> {
  const running = await startEmulator({ behaviour: { operationDurationMs: 4 * 3600_000 } });
  const response = await fetch(`${running.url}/v1/${DATABASE}:exportDocuments`, {
    method: "POST",
    body: JSON.stringify({ outputUriPrefix: "gs://bench-log/x" }),
  });
  const { name } = (await response.json()) as { name: string };
  return { running, target: `${running.url}/v1/${name}` };
}

/** The first release's log, for the what-if row only: an array that drops its oldest entry with splice. */
class SplicingLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;
  add(entry: Omit<RequestLogEntry, "seq">): void {
    this.entries.push({ seq: this.nextSeq++, ...entry });
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
  }
}

/** Nanoseconds per add over `count` adds. */
function nsPerAdd(
  log: { add(entry: Omit<RequestLogEntry, "seq">): unknown },
  entry: Omit<RequestLogEntry, "seq">,
  count: number,
) {
  const started = performance.now();
  for (let i = 0; i < count; i++) log.add({ ...entry, timeMs: i });
  return ((performance.now() - started) * 1e6) / count;
}

export const emulatorRequestLog: Benchmark = {
  name: "emulator-request-log",
  title: "Emulator throughput before and after 1M requests",
  async run(options, progress) {
    const { seconds, rounds, warmUpSeconds } = options.quick ? QUICK : FULL;
    const fresh = await emulatorWithOperation();
    const filled = await emulatorWithOperation();
    const freshRuns: Throughput[] = [];
    const filledRuns: Throughput[] = [];
    let fillNs: number;
    let realRequests: number;
    const entry = {
      timeMs: 0,
      method: "GET",
      path: new URL(filled.target).pathname,
      endpoint: "operations.get" as const,
      status: 200,
      operation: new URL(filled.target).pathname.slice("/v1/".length),
    };
    try {
      progress("warm-up (both)");
      await throughput(fresh.target, warmUpSeconds);
      await throughput(filled.target, warmUpSeconds);
      // What 1M requests leave behind is their request log entries: the log is the only per-request state.
      // Adding the rest straight to it stands in for the requests that would take minutes to send.
      realRequests = filled.running.emulator.log.add(entry).seq;
      progress(`filling one emulator's request log to ${REQUESTS.toLocaleString("en-US")} entries`);
      const started = performance.now();
      const missing = REQUESTS - realRequests;
      for (let i = 0; i < missing; i++) filled.running.emulator.log.add(entry);
      fillNs = ((performance.now() - started) * 1e6) / missing;
      for (let round = 0; round < rounds; round++) {
        // Which goes first alternates, so that a trend in the machine's load favours neither.
        const freshFirst = round % 2 === 0;
        progress(
          `round ${round + 1}/${rounds}: ${seconds} s of GETs on each, ${freshFirst ? "fresh" : "filled"} first`,
        );
        for (const which of freshFirst ? ["fresh", "filled"] : ["filled", "fresh"]) {
          if (which === "fresh") {
            fresh.running.emulator.log.clear(); // fresh stays fresh: its log holds only this round's requests
            freshRuns.push(await throughput(fresh.target, seconds));
          } else {
            filledRuns.push(await throughput(filled.target, seconds));
          }
        }
      }
    } finally {
      await fresh.running.close();
      await filled.running.close();
    }
    progress("the log's own cost, and the what-if of the first release's log");
    nsPerAdd(new RequestLog(CAPACITY), entry, 200_000); // JIT warm-up
    const ringEmpty = nsPerAdd(new RequestLog(CAPACITY), entry, CAPACITY);
    const ring = new RequestLog(CAPACITY);
    for (let i = 0; i < REQUESTS; i++) ring.add(entry);
    const ringFull = nsPerAdd(ring, entry, CAPACITY);
    const splicing = new SplicingLog();
    const splicingEmpty = nsPerAdd(splicing, entry, CAPACITY);
    const splicingFull = nsPerAdd(splicing, entry, 10_000);

    const freshRate = median(freshRuns.map((t) => t.perSecond));
    const filledRate = median(filledRuns.map((t) => t.perSecond));
    const runs = (list: Throughput[]) => list.map((t) => t.perSecond.toFixed(0)).join(", ");
    const errors = (list: Throughput[]) =>
      `${list.reduce((n, t) => n + t.errors, 0)} / ${list.reduce((n, t) => n + t.non2xx, 0)}`;
    return [
      `autocannon (its own process), ${CONNECTIONS} connections, closed loop, every request a \`GET /v1/<operation>\` of ` +
        "one running export, against two emulators in the benchmark's process (`--auth none`, no data dir): a fresh one " +
        `(its log cleared before each run) and one that has counted ${REQUESTS.toLocaleString("en-US")} requests. ` +
        `${rounds} rounds of ${seconds} s on each, alternating (and alternating which goes first), so that the ` +
        "machine's noise falls on both alike. " +
        "**Baseline**: the fresh emulator, in the same rounds.",
      "",
      `**How the 1M requests are made**: ${realRequests.toLocaleString("en-US")} real ones (the warm-up), then entries ` +
        `added straight to the emulator's request log until it has counted ${REQUESTS.toLocaleString("en-US")} ` +
        `(${fillNs.toFixed(0)} ns each). Sending them all would take minutes; what they leave behind is their log ` +
        "entries, the emulator's only per-request state, so the measurement runs against the state 1M requests leave. " +
        "It does not measure anything else 1M requests might do to a process (memory fragmentation, say).",
      "",
      table(
        ["emulator", "req/s (median)", "runs", "errors / non-2xx"],
        [
          ["fresh", freshRate.toFixed(0), runs(freshRuns), errors(freshRuns)],
          [
            `after ${REQUESTS.toLocaleString("en-US")} requests`,
            filledRate.toFixed(0),
            runs(filledRuns),
            errors(filledRuns),
          ],
          ["**ratio after 1M / fresh**", `**${formatRatio(filledRate / freshRate)}**`, "", ""],
        ],
      ),
      "",
      `**Goal**: no slowdown after 1M requests (ratio ≥ 0.9): ${verdict(filledRate / freshRate >= 0.9)}. On a shared ` +
        "machine single runs vary by 2× or more (the runs column); the log's own cost below is the steadier figure.",
      "",
      `The log's own cost, in this process: ns per entry added, over ${CAPACITY.toLocaleString("en-US")} adds ` +
        "(10,000 for the first release's full log, whose every add moves the whole array):",
      "",
      table(
        ["log", "empty", `after ${REQUESTS.toLocaleString("en-US")} adds (full)`, "full / empty"],
        [
          ["ring buffer (this version)", ringEmpty.toFixed(0), ringFull.toFixed(0), formatRatio(ringFull / ringEmpty)],
          [
            "what-if: the first release's array + splice",
            splicingEmpty.toFixed(0),
            splicingFull.toFixed(0),
            formatRatio(splicingFull / splicingEmpty),
          ],
        ],
      ),
    ].join("\n");
  },
};
