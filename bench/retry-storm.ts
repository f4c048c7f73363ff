import * as http from "node:http";
import { PULUMI_CONFIG_KEYS, providerFor } from "../provider/runtime";
import { listenOnLoopback } from "../test/support/loopback-server";
import type { Benchmark } from "./benchmark";
import { table } from "./markdown";

/** The resource's timeouts.create and timeouts.delete, in seconds: the windows the requests are counted in. */
const FULL = { createS: 20, deleteS: 10 };
const QUICK = { createS: 4, deleteS: 2 };

/** A database per hint: the provider process keeps one quota gate per database, which must not carry over. */
const databaseFor = (hint: Hint) => `projects/demo-project/databases/storm-${HINTS.indexOf(hint)}`;

/** How the server's 429 says when to try again: not at all (the baseline), or "retry now" in each spelling. */
type Hint = "none" | "Retry-After: 0" | "Retry-After: -5" | "Retry-After: a past date" | "RetryInfo 0s";
const HINTS: readonly Hint[] = [
  "none",
  "Retry-After: 0",
  "Retry-After: -5",
  "Retry-After: a past date",
  "RetryInfo 0s",
];

/** A loopback server that refuses every start and cancel with 429 and the given hint, and counts them. */
async function refusingServer(hint: Hint) {
  const NAME = `${databaseFor(hint)}/operations/AS-storm`;
  const counts = { starts: 0, cancels: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    const url = req.url ?? "";
    const start = req.method === "POST" && url.includes(":exportDocuments");
    const cancel = req.method === "POST" && url.includes(":cancel");
    if (start || cancel) {
      if (start) counts.starts++;
      else counts.cancels++;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (hint === "Retry-After: 0") headers["retry-after"] = "0";
      if (hint === "Retry-After: -5") headers["retry-after"] = "-5";
      if (hint === "Retry-After: a past date") headers["retry-after"] = new Date(Date.now() - 60_000).toUTCString();
      const details =
        hint === "RetryInfo 0s" ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "0s" }] : [];
      res.writeHead(429, headers);
      res.end(
        JSON.stringify({ error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "Quota exceeded", details } }),
      );
      return;
    }
    // Everything else: no operation looks like ours, and the one to cancel is running.
    res.writeHead(200, { "content-type": "application/json" });
    if (url.includes("/operations?")) {
      res.end(JSON.stringify({ operations: [] }));
      return;
    }
    res.end(
      JSON.stringify({
        name: NAME,
        metadata: {
          "@type": "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata",
          operationState: "PROCESSING",
        },
      }),
    );
  });
  return { ...(await listenOnLoopback(server)), counts };
}

/** What one resource sends into a server that keeps refusing: starts within `timeouts.create`, cancels within `timeouts.delete`. */
async function storm(hint: Hint, createS: number, deleteS: number) {
  const DB = databaseFor(hint);
  const NAME = `${DB}/operations/AS-storm`;
  const server = await refusingServer(hint);
  try {
    // The provider as its host drives it.
    const provider = providerFor("export");
    await provider.configure?.({
      config: { get: (key: string) => (key === PULUMI_CONFIG_KEYS.endpoint ? server.endpoint : undefined) },
    } as never);
    const timeouts = { create: `${createS}s`, delete: `${deleteS}s` };
    await provider.create({ database: DB, outputUriPrefix: "gs://bkt/x", timeouts }).catch(() => undefined);
    const props = { database: DB, outputUriPrefix: "gs://bkt/x", timeouts, operationName: NAME, done: false };
    // The delete reads only what a start step's state holds about the operation and its timeouts.
    await provider.delete?.(NAME, { ...props, state: "PROCESSING" } as never).catch(() => undefined);
    return { ...server.counts };
  } finally {
    await server.close();
  }
}

/**
 * A server that refuses with 429 and says "retry now" (0, negative, a past date, RetryInfo 0s) against the same
 * server with no hint at all, in the same run: how many start POSTs one resource sends within its
 * `timeouts.create`, and how many cancels its destroy sends within `timeouts.delete`. Every hint goes through one
 * rule (a floor at the backoff's next delay), so each ratio to the no-hint baseline should be about 1×; before
 * that rule, "retry now" meant thousands of requests.
 */
export const retryStorm: Benchmark = {
  name: "retry-storm",
  title: "retry storm (429 with 'retry now')",
  async run(options, progress) {
    const { createS, deleteS } = options.quick ? QUICK : FULL;
    const results = new Map<Hint, { starts: number; cancels: number }>();
    for (const hint of HINTS) {
      const counts = await storm(hint, createS, deleteS);
      results.set(hint, counts);
      progress(`${hint}: ${counts.starts} start POSTs in ${createS} s, ${counts.cancels} cancels in ${deleteS} s`);
    }
    const baseline = results.get("none") ?? { starts: 0, cancels: 0 };
    // Without a start and a cancel reaching the server, every ratio below would be meaningless.
    if (baseline.starts === 0 || baseline.cancels === 0) {
      throw new Error(
        `the refusing server saw ${baseline.starts} starts and ${baseline.cancels} cancels without a hint`,
      );
    }
    const ratio = (n: number, base: number) => `${(n / Math.max(base, 1)).toFixed(2)}×`;
    const rows = HINTS.map((hint) => {
      const c = results.get(hint) ?? { starts: 0, cancels: 0 };
      return [hint, c.starts, ratio(c.starts, baseline.starts), c.cancels, ratio(c.cancels, baseline.cancels)];
    });
    return [
      `One resource against a loopback server that refuses every start and cancel with 429: start POSTs within`,
      `timeouts.create (${createS} s) and cancels within timeouts.delete (${deleteS} s), and each as a ratio to the`,
      "same server sending no hint (the backoff alone), measured in the same run.",
      "",
      table(["hint", `start POSTs in ${createS} s`, "ratio", `cancels in ${deleteS} s`, "ratio"], rows),
    ].join("\n");
  },
};
