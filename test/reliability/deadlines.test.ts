/**
 * Deadlines against hostile servers, through real HTTP on loopback: a server that sends headers and then stalls
 * the body, one that trickles it a byte at a time, and one that never answers. With 5 s timeouts, create (the
 * start POST and the lookup after it), a waitFor: "done" wait, delete's cancel wait and `firestore-ops watch
 * --timeout 5s` must end at their deadline: not before it, and within a bound generous enough for a loaded
 * 2-core machine. A server that answers 503 with Retry-After: 3600 asks for a wait no 5 s deadline can hold:
 * those same calls fail at once, saying so (client/retry-hint.ts). Each case also checks that the server saw
 * the request it was meant to stall, so a setup that silently did not apply cannot pass.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import { describe, test } from "node:test";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { FirestoreAdminClient } from "../../client/admin-client";
import { Deadline } from "../../client/deadline";
import { settingsFrom } from "../../client/settings";
import { Transport } from "../../client/transport";
import { waitUntilDone } from "../../client/wait";
import { createContext } from "../../provider/context";
import { OperationsProvider } from "../../provider/operations-provider";
import { WaitProvider } from "../../provider/wait-provider";
import { runCli } from "../support/cli-harness";
import { type LoopbackServer, listenOnLoopback } from "../support/loopback-server";

const DB = "projects/demo-project/databases/(default)";
const NAME = `${DB}/operations/AS-deadline`;
const TIMEOUT_MS = 5_000;
/** Ending before the deadline would mean it was not the deadline that ended the wait. */
const EARLIEST_MS = TIMEOUT_MS - 150;
/**
 * A hang guard, not a speed target: a wait that ignores its deadline fails here instead of hanging the run. How soon
 * after the deadline a wait ends is measured by bench/deadline-overshoot.ts.
 */
const HANG_GUARD_MS = 30_000;

type Hostility = "stall-body" | "trickle" | "silent" | "503-retry-after";
const HOSTILE: Hostility[] = ["stall-body", "trickle", "silent"];
/** What a request is, by its path: the start POST, operations.get, operations.list or operations.cancel. */
type Endpoint = "start" | "get" | "list" | "cancel";

function endpointOf(req: http.IncomingMessage): Endpoint {
  const url = req.url ?? "";
  if (url.includes(":cancel")) return "cancel";
  if (/:(export|import|bulkDelete)Documents/.test(url)) return "start";
  return url.includes("/operations?") ? "list" : "get";
}

const RUNNING = { name: NAME, metadata: { operationState: "PROCESSING" } };

interface HostileServer extends LoopbackServer {
  /** The requests received, in order. */
  seen: Endpoint[];
}

/** Answers the endpoints in `hostile` the hostile way, and the others with a running operation. */
async function hostileServer(how: Hostility, hostile: Endpoint[]): Promise<HostileServer> {
  const seen: Endpoint[] = [];
  const server = http.createServer((req, res) => {
    const endpoint = endpointOf(req);
    seen.push(endpoint);
    req.resume();
    res.on("error", () => {
      // the client hung up: that is the point
    });
    if (!hostile.includes(endpoint)) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(endpoint === "list" ? { operations: [] } : RUNNING));
      return;
    }
    switch (how) {
      case "stall-body":
        res.writeHead(200, { "content-type": "application/json" });
        res.flushHeaders();
        res.write('{"name":');
        return;
      case "trickle": {
        res.writeHead(200, { "content-type": "application/json" });
        res.write("{");
        const timer = setInterval(() => res.write(" "), 200);
        req.socket.once("close", () => clearInterval(timer));
        return;
      }
      case "silent":
        return;
      case "503-retry-after":
        res.writeHead(503, { "content-type": "application/json", "retry-after": "3600" });
        res.end(JSON.stringify({ error: { code: 503, status: "UNAVAILABLE", message: "come back in an hour" } }));
    }
  });
  return { ...(await listenOnLoopback(server)), seen };
}

/** Runs `body` against a hostileServer(how, hostile) and closes the server after it, whatever it did. */
async function withHostileServer(
  how: Hostility,
  hostile: Endpoint[],
  body: (server: HostileServer) => Promise<void>,
): Promise<void> {
  const server = await hostileServer(how, hostile);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** The provider as the host runs it, against `endpoint`, with no credentials (loopback). */
function providerAt(endpoint: string): OperationsProvider {
  const settings = settingsFrom((key) => (key === "endpoint" ? endpoint : undefined), {});
  const context = createContext(settings);
  return new OperationsProvider("export", () => context);
}

/** The wait step of a `waitFor: "done"` resource, against `endpoint`. */
function waitStepAt(endpoint: string): WaitProvider {
  const settings = settingsFrom((key) => (key === "endpoint" ? endpoint : undefined), {});
  const context = createContext(settings);
  return new WaitProvider(() => context);
}

/** Runs `call`, which must reject; returns the error and how long it took. Fails instead of hanging. */
async function timed(call: () => Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: still running after ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
  });
  try {
    await Promise.race([call(), hang]);
  } catch (error) {
    if ((error as Error).message.startsWith("HANG:")) throw error;
    return { error: error as Error, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
  assert.fail("expected the call to fail at its deadline");
}

function assertNotBeforeDeadline(ms: number, what: string): void {
  assert.ok(ms >= EARLIEST_MS, `${what} ended after ${Math.round(ms)} ms: before its ${TIMEOUT_MS} ms deadline`);
}

const inputs = (extra: Record<string, unknown>) => ({
  database: DB,
  outputUriPrefix: "gs://bkt/x",
  collectionIds: [],
  namespaceIds: [],
  waitFor: "started",
  onCancelLost: "warn",
  timeouts: { create: "5s", delete: "5s" },
  ...extra,
});

describe("every wait ends at its deadline, whatever the server does", { concurrency: 4 }, () => {
  for (const how of HOSTILE) {
    test(`${how}: create (the start POST, then the lookup) ends at timeouts.create, saying it may have started`, async () => {
      await withHostileServer(how, ["start", "list"], async (server) => {
        const { error, ms } = await timed(() => providerAt(server.endpoint).create(inputs({})));
        assert.ok(server.seen.includes("start"), `the server saw ${server.seen.join(", ")}`);
        assertNotBeforeDeadline(ms, "create");
        assert.equal(error.name, "AmbiguousStartError", `${error.name}: ${error.message}`);
        assert.match(error.message, /may have started/);
      });
    });

    test(`${how}: waitFor "done" polling ends at timeouts.create, keeping the operation`, async () => {
      await withHostileServer(how, ["get"], async (server) => {
        const { error, ms } = await timed(() =>
          waitStepAt(server.endpoint).create({ ...inputs({ waitFor: "done" }), operationName: NAME }),
        );
        assert.ok(server.seen.includes("get"), `the server saw ${server.seen.join(", ")}`);
        assertNotBeforeDeadline(ms, "create with waitFor done");
        assert.equal((error as Error & { id?: string }).id, NAME, "an initialization failure: the operation stays");
        assert.match(error.message, /Timed out after 5s waiting for the operation to finish/);
      });
    });

    test(`${how}: delete's cancel wait ends at timeouts.delete`, async () => {
      await withHostileServer(how, ["get"], async (server) => {
        const provider = providerAt(server.endpoint);
        const props = { ...inputs({}), done: false, state: "PROCESSING" } as never;
        const { error, ms } = await timed(() => provider.delete(NAME, props));
        assert.ok(server.seen.includes("cancel") && server.seen.includes("get"), server.seen.join(", "));
        assertNotBeforeDeadline(ms, "delete");
        assert.match(error.message, /timeouts\.delete|Timed out after 5s/);
      });
    });

    test(`${how}: a cancel POST that gets no answer ends at timeouts.delete`, async () => {
      await withHostileServer(how, ["cancel"], async (server) => {
        const provider = providerAt(server.endpoint);
        const props = { ...inputs({}), done: false, state: "PROCESSING" } as never;
        const { error, ms } = await timed(() => provider.delete(NAME, props));
        assert.ok(server.seen.includes("cancel"), server.seen.join(", "));
        assertNotBeforeDeadline(ms, "delete");
        assert.match(error.message, /the timeouts\.delete deadline \(5s\)/);
      });
    });

    test(`${how}: firestore-ops watch --timeout 5s exits 4 at the deadline`, async () => {
      await withHostileServer(how, ["get"], async (server) => {
        const started = performance.now();
        const result = await runCli(["watch", NAME, "--timeout", "5s", "--endpoint", server.endpoint], {
          timeoutMs: HANG_GUARD_MS,
        });
        const ms = performance.now() - started;
        assert.ok(server.seen.includes("get"), server.seen.join(", "));
        assert.equal(result.code, 4, result.stderr);
        assert.match(result.stderr, /Timed out after 5s waiting for the operation to finish/);
        assertNotBeforeDeadline(ms, "watch");
      });
    });
  }
});

describe("a 503 asking for an hour (Retry-After: 3600) fails at once: no 5 s deadline holds the wait", () => {
  const beyond = (deadline: string) =>
    new RegExp(
      `503 UNAVAILABLE: come back in an hour\\. Not tried again: the server asked to wait 1h \\(Retry-After: 3600\\), more than the \\d+s left of the ${deadline} deadline \\(5s\\)`,
    );

  test("create: the lookup after the ambiguous start POST cannot retry, so it says an operation may be running", async () => {
    await withHostileServer("503-retry-after", ["start", "list"], async (server) => {
      const { error } = await timed(() => providerAt(server.endpoint).create(inputs({})));
      assert.equal(server.seen.filter((e) => e === "start").length, 1, "one POST, never resent");
      assert.ok(server.seen.includes("list"), server.seen.join(", "));
      assert.equal(error.name, "AmbiguousStartError", `${error.name}: ${error.message}`);
      assert.match(error.message, /may be running/);
      assert.match(error.message, beyond("timeouts\\.create"));
    });
  });

  test('waitFor "done": the poll fails at once, keeping the operation', async () => {
    await withHostileServer("503-retry-after", ["get"], async (server) => {
      const { error } = await timed(() =>
        waitStepAt(server.endpoint).create({ ...inputs({ waitFor: "done" }), operationName: NAME }),
      );
      assert.deepEqual(server.seen, ["get"]);
      assert.equal((error as Error & { id?: string }).id, NAME, "an initialization failure: the operation stays");
      // The wait step names its deadline "wait" (provider/wait-provider.ts); the rule is the same.
      assert.match(error.message, beyond("(?:timeouts\\.create|wait)"));
    });
  });

  for (const hostile of ["get", "cancel"] as const) {
    test(`delete: a 503 on ${hostile} fails at once`, async () => {
      await withHostileServer("503-retry-after", [hostile], async (server) => {
        const provider = providerAt(server.endpoint);
        const props = { ...inputs({}), done: false, state: "PROCESSING" } as never;
        const { error } = await timed(() => provider.delete(NAME, props));
        assert.equal(server.seen.filter((e) => e === hostile).length, 1, server.seen.join(", "));
        assert.match(error.message, beyond("timeouts\\.delete"));
      });
    });
  }

  test("firestore-ops watch --timeout 5s: fails at once, naming the hint", async () => {
    await withHostileServer("503-retry-after", ["get"], async (server) => {
      const result = await runCli(["watch", NAME, "--timeout", "5s", "--endpoint", server.endpoint], {
        timeoutMs: HANG_GUARD_MS,
      });
      assert.deepEqual(server.seen, ["get"]);
      assert.notEqual(result.code, 0, result.stderr);
      assert.match(result.stderr, beyond("--timeout"));
    });
  });
});

describe("the caller's AbortSignal", () => {
  test("aborting a wait rejects promptly, saying what was interrupted", async () => {
    await withHostileServer("silent", ["get"], async (server) => {
      const client = providerClient(server.endpoint);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("shutting down")), 300);
      const { error, ms } = await timed(() =>
        waitUntilDone(client, NAME, { timeoutMs: 60_000, signal: controller.signal, purpose: "the export to finish" }),
      );
      assert.ok(server.seen.includes("get"));
      assert.equal(error.name, "InterruptedError", error.message);
      assert.match(error.message, /Stopped waiting for the export to finish \(shutting down\)/);
      // Not the 60 s deadline (that would be a DeadlineExceededError) but the abort: the abort fired at 300 ms.
      assert.ok(ms >= 300 - 50, `${ms} ms`);
    });
  });

  test("aborting a start POST in flight: an InterruptedError that says it may have taken effect", async () => {
    await withHostileServer("silent", ["start"], async (server) => {
      const client = providerClient(server.endpoint);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user hit stop")), 300);
      const { error } = await timed(() =>
        client.start("exportDocuments", DB, { outputUriPrefix: "gs://bkt/x" }, { signal: controller.signal }),
      );
      assert.ok(server.seen.includes("start"));
      assert.equal(error.name, "InterruptedError");
      assert.equal((error as Error & { ambiguous?: boolean }).ambiguous, true);
      assert.match(error.message, /interrupted \(user hit stop\).*may have taken effect/);
    });
  });
});

function providerClient(endpoint: string, attemptTimeoutMs?: number): FirestoreAdminClient {
  const transport = new Transport({
    auth: { headers: async () => ({}) },
    ...(attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs }),
    maxAttempts: 1,
  });
  return new FirestoreAdminClient(transport, endpoint);
}

test("the per-attempt timeout survives garbage collections during a stalled body read", async () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const server = await hostileServer("stall-body", ["get"]);
  const collector = setInterval(gc, 50);
  try {
    const started = performance.now();
    const { error } = await timed(() => providerClient(server.endpoint, 1_000).get(NAME));
    const ms = performance.now() - started;
    assert.ok(server.seen.includes("get"));
    assert.match(error.message, /no response \(timeout\)/);
    assert.ok(ms >= 950, `${ms} ms: the attempt ended before its 1 s timeout`);
  } finally {
    clearInterval(collector);
    await server.close();
  }
});

test("a Deadline ends sleeps at once, says which deadline passed, and keeps time for what follows", async () => {
  const deadline = Deadline.after(1_000, "timeouts.create");
  const started = performance.now();
  await assert.rejects(deadline.sleep(60_000), /the timeouts\.create deadline \(1s\)/);
  const slept = performance.now() - started;
  // The rejection with the deadline's name shows the sleep ended at the deadline, not at its own 60 s end.
  assert.ok(slept >= 950, `${slept} ms: the sleep ended before the 1 s deadline`);
  assert.equal(deadline.passed, true);
  const long = Deadline.after(10_000, "timeouts.create");
  const start = long.keeping(4_000, "to look for it");
  assert.ok(start.remaining() <= 6_000 && start.remaining() > 5_000, `${start.remaining()}`);
  assert.match(start.describe(), /timeouts\.create deadline \(10s\), less 4s kept to look for it/);
  long.dispose();
  start.dispose();
});
