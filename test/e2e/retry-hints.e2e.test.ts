/**
 * Retry hints through the real Pulumi CLI: one `pulumi up` of four exports, each in its own project (so each has
 * its own quota gate), behind a loopback proxy that refuses every export POST with 429 and a hint: Retry-After 0,
 * -5, a date in the past, and 3600 (more than timeouts.create). "Retry now" must not storm: each resource sends
 * at most as many POSTs as the backoff's schedule allows within its deadline (client/retry-hint.ts: the floor),
 * and ends saying nothing was started; the hour is refused at once, after one POST (the ceiling). Nothing
 * reaches the state, and no message says an operation may be running.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Backoff, RETRY_BACKOFF } from "../../client/backoff";
import { createE2eStack, type E2eStack, operationResources } from "../support/e2e-stack";
import { type LoopbackProxy, startProxy } from "../support/loopback-proxy";

const CREATE_TIMEOUT_MS = 10_000;

/** Each resource's project, and the Retry-After its export POSTs are refused with. */
const HINTS = {
  "hint-zero": "0",
  "hint-negative": "-5",
  "hint-past": "Thu, 01 Jan 2026 00:00:00 GMT",
  "hint-hour": "3600",
} as const;
type Project = keyof typeof HINTS;

/** The most tries `backoff` allows within `windowMs`: every delay at its shortest (the low end of its jitter). */
function mostTries(backoff: Backoff, windowMs: number): number {
  let elapsed = 0;
  for (let tries = 1; ; tries++) {
    const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.multiplier ** (tries - 1));
    elapsed += Math.floor(base * (1 - backoff.jitter));
    if (elapsed >= windowMs) return tries;
  }
}

describe("retry hints through pulumi up: 0, negative, past date and an hour", () => {
  let e: E2eStack;
  let proxy: LoopbackProxy;
  const posts: Record<string, number> = {};
  before(async () => {
    e = await createE2eStack();
    proxy = await startProxy(async (request) => {
      const project = /\/v1\/projects\/([^/]+)\//.exec(request.url)?.[1] as Project | undefined;
      if (project === undefined || !(project in HINTS)) return undefined;
      if (request.method === "POST" && request.url.endsWith(":exportDocuments")) {
        posts[project] = (posts[project] ?? 0) + 1;
        return {
          status: 429,
          headers: { "content-type": "application/json", "retry-after": HINTS[project] },
          body: JSON.stringify({
            error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "Quota exceeded for export requests" },
          }),
        };
      }
      // The lookalike check lists the database's running operations: none.
      if (request.method === "GET" && request.url.includes("/operations?")) {
        return { status: 200, headers: { "content-type": "application/json" }, body: "{}" };
      }
      return undefined;
    });
    proxy.target = e.emulator.url;
    await e.pulumi(["config", "set", "gcp:firestoreCustomEndpoint", `${proxy.url}/v1/`]);
  });
  after(async () => {
    await proxy?.close();
    await e?.dispose();
  });

  test("each resource: POSTs bounded by the backoff, a final message that says nothing was started", async () => {
    await e.declare(
      Object.keys(HINTS).map((project) => ({
        kind: "FirestoreExport" as const,
        name: project,
        args: {
          database: `projects/${project}/databases/(default)`,
          outputUriPrefix: `gs://bkt/${project}`,
          timeouts: { create: `${CREATE_TIMEOUT_MS / 1000}s` },
        },
      })),
    );
    const up = await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"], 1);
    const output = `${up.stdout}\n${up.stderr}`;
    console.log(`export POSTs per resource: ${JSON.stringify(posts)}`);

    const most = mostTries(RETRY_BACKOFF, CREATE_TIMEOUT_MS);
    for (const project of ["hint-zero", "hint-negative", "hint-past"] as const) {
      const sent = posts[project] ?? 0;
      assert.ok(sent >= 2, `${project}: sent again after the refusal (${sent})`);
      assert.ok(sent <= most, `${project}: ${sent} POSTs, more than the ${most} the backoff allows in 10 s`);
      assert.match(
        output,
        new RegExp(
          `Nothing was started: Firestore's export quota \\([^)]*\\) refused it, and the server asked to retry at once \\(Retry-After: ${HINTS[project]}\\); the next try would be in \\d+s \\(our own backoff\\)`,
        ),
        `${project}'s final message`,
      );
    }
    assert.equal(posts["hint-hour"], 1, "an hour no deadline holds: one POST, never sent again");
    assert.match(
      output,
      /Nothing was started: Firestore's export quota \([^)]*\) refused it, and the server asked to wait 1h \(Retry-After: 3600\), more than the \d+s the timeouts\.create deadline \(10s\) leaves for a start/,
    );
    assert.doesNotMatch(output, /may be running|may have started/);
    assert.equal(operationResources(await e.exportState()).length, 0, "nothing started, nothing in state");
  });
});
