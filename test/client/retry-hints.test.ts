/**
 * Retry hints from a hostile server, over real sockets on loopback: "retry now" said every way a server can say
 * it (Retry-After 0, negative, a date in the past; RetryInfo 0s) and waits no deadline can hold (an hour, a day,
 * a date in year 9999). Counts are bounded by what the backoff's schedule allows within the deadline, each delay
 * at its shortest (client/retry-hint.ts: the floor); a wait past the deadline fails at once, saying what the
 * server asked and what the deadline allows (the ceiling). Each case checks the server saw the hint it was sent.
 * Time is a fast-forwarding clock (the client's and its deadlines'): every wait the client chose is in `clock.slept`.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { FirestoreAdminClient } from "../../client/admin-client";
import { type Backoff, RETRY_BACKOFF } from "../../client/backoff";
import { requestCancel } from "../../client/cancel-request";
import { Deadline } from "../../client/deadline";
import { MAX_HINTED_WAIT_MS } from "../../client/retry-hint";
import { settingsFrom } from "../../client/settings";
import { Transport } from "../../client/transport";
import { createContext } from "../../provider/context";
import { OperationsProvider } from "../../provider/operations-provider";
import { SILENT } from "../../provider/reporter";
import { type SteppedClock, steppedClock } from "../support/stepped-clock";

const DB = "projects/demo-project/databases/(default)";
const NAME = `${DB}/operations/AS-hints`;
/** How a refusal says "try again after ...": its Retry-After header, or a RetryInfo detail. */
interface Hint {
  label: string;
  header?: string;
  retryDelay?: string;
}

/** Where the client's clock starts: a fixed instant, so a wait until a fixed date is the same in every run. */
const START_MS = Date.parse("2026-06-01T00:00:30Z");
const PAST = new Date(START_MS - 3_600_000).toUTCString();
/** Every way to say "retry now". */
const NOW_HINTS: Hint[] = [
  { label: "Retry-After: 0", header: "0" },
  { label: "Retry-After: -5", header: "-5" },
  { label: "Retry-After: an HTTP date an hour ago", header: PAST },
  { label: 'RetryInfo "0s"', retryDelay: "0s" },
];
/** Waits no deadline of a test holds, each with how the message words it. */
const HUGE_HINTS: (Hint & { asked: RegExp })[] = [
  { label: "Retry-After: 3600", header: "3600", asked: /asked to wait 1h \(Retry-After: 3600\)/ },
  {
    label: "Retry-After: a date in 9999",
    header: "Fri, 31 Dec 9999 23:59:59 GMT",
    asked: /asked to wait \d+h\d+m\d+s \(Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\)/,
  },
  { label: 'RetryInfo "86400s"', retryDelay: "86400s", asked: /asked to wait 24h \(RetryInfo retryDelay "86400s"\)/ },
];

/** The shortest delay `backoff` may choose before try `tries + 1`: the low end of its jitter. */
function shortestDelay(backoff: Backoff, tries: number): number {
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.multiplier ** (tries - 1));
  return Math.floor(base * (1 - backoff.jitter));
}

/** The most tries `backoff` allows within `windowMs`: every delay at its shortest. */
function mostTries(backoff: Backoff, windowMs: number): number {
  let elapsed = 0;
  for (let tries = 1; ; tries++) {
    elapsed += shortestDelay(backoff, tries);
    if (elapsed >= windowMs) return tries;
  }
}

/** The client's waits kept the floor (none shorter than the backoff's first delay) and stayed inside `windowMs`. */
function assertWaitsWithin(clock: SteppedClock, backoff: Backoff, windowMs: number): void {
  assert.ok(clock.slept.length > 0, "the client waited between tries");
  for (const ms of clock.slept) assert.ok(ms >= shortestDelay(backoff, 1), `a wait of ${ms} ms, under the floor`);
  const total = clock.slept.reduce((a, b) => a + b, 0);
  assert.ok(total < windowMs, `${total} ms of waits inside the ${windowMs} ms deadline`);
}

let hint: Hint = NOW_HINTS[0] as Hint;
/** Requests by kind: "start", "cancel", "get", "list". */
let seen: string[] = [];
const server = http.createServer((req, res) => {
  req.resume();
  const url = req.url ?? "";
  const kind = url.includes(":cancel")
    ? "cancel"
    : url.includes(":exportDocuments")
      ? "start"
      : url.includes("/operations?")
        ? "list"
        : "get";
  seen.push(kind);
  if (kind === "list") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ operations: [] }));
    return;
  }
  const details = hint.retryDelay
    ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: hint.retryDelay }]
    : [];
  res.writeHead(429, { "content-type": "application/json", ...(hint.header ? { "retry-after": hint.header } : {}) });
  res.end(JSON.stringify({ error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "Quota exceeded", details } }));
});
let endpoint = "";
let clock: SteppedClock;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  clock = steppedClock({ startMs: START_MS, fastForward: true });
});

/** A short, steady backoff and room for many attempts: only the floor and the deadline can stop the retries. */
const FAST: Backoff = { initialDelayMs: 100, multiplier: 2, maxDelayMs: 10_000, jitter: 0.5 };
function clientWith(backoff: Backoff): FirestoreAdminClient {
  const transport = new Transport({ auth: { headers: async () => ({}) }, maxAttempts: 1_000, backoff, clock });
  return new FirestoreAdminClient(transport, endpoint);
}

const deadlineOf = (ms: number, label: string): Deadline => Deadline.after(ms, label, undefined, clock);

/** An export's check and create through the provider, on this file's server and clock, within `timeouts.create`. */
async function createExport(timeoutsCreate: string): Promise<Error> {
  const settings = settingsFrom((key) => (key === "endpoint" ? endpoint : undefined), {});
  const provider = new OperationsProvider("export", () => createContext(settings, SILENT, { clock }, undefined));
  const news = { database: DB, outputUriPrefix: "gs://bkt/x", timeouts: { create: timeoutsCreate } };
  const checked = await provider.check({}, news);
  assert.deepEqual(checked.failures ?? [], [], "the inputs pass check");
  return failure(provider.create(checked.inputs as Record<string, unknown>));
}

async function failure(call: Promise<unknown>): Promise<Error & { retryBeyondDeadline?: boolean }> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected the call to fail");
}

describe("retry now: never sooner than the backoff's next delay", () => {
  const WINDOW_MS = 3_000;
  for (const h of NOW_HINTS) {
    test(`${h.label}: a GET is retried on the backoff's schedule, then fails at once when the deadline cannot hold the next try`, async () => {
      hint = h;
      const deadline = deadlineOf(WINDOW_MS, "test");
      try {
        const error = await failure(clientWith(FAST).get(NAME, { signal: deadline.signal }));
        assert.equal(deadline.passed, false, `failed before the deadline, not at it: ${error.message}`);
        const gets = seen.filter((k) => k === "get").length;
        assert.ok(gets >= 2, `retried at all (${gets})`);
        assert.ok(gets <= mostTries(FAST, WINDOW_MS), `${gets} GETs, more than the schedule allows in ${WINDOW_MS} ms`);
        assert.equal(error.retryBeyondDeadline, true, error.message);
        assertWaitsWithin(clock, FAST, WINDOW_MS);
        assert.equal(clock.slept.length, gets - 1, "one wait before each try after the first");
        assert.match(
          error.message,
          /429 RESOURCE_EXHAUSTED: Quota exceeded\. Not tried again: the server asked to retry at once \((Retry-After|RetryInfo)[^)]*\); the next try would be in \d+s \(our own backoff\), more than the \d+s left of the test deadline \(3s\); the server refused the request \(429\), so it did nothing/,
        );
      } finally {
        deadline.dispose();
      }
    });
  }

  test("Retry-After: 0 on cancel: the cancel and its quota wait both keep the schedule, and the verdict says nothing was done", async () => {
    hint = NOW_HINTS[0] as Hint;
    const windowMs = 6_000;
    const deadline = deadlineOf(windowMs, "timeouts.delete");
    try {
      const client = clientWith(RETRY_BACKOFF);
      const error = await failure(
        requestCancel(client, NAME, { metadataType: "", signal: deadline.signal, quotaPatienceMs: windowMs }),
      );
      const cancels = seen.filter((k) => k === "cancel").length;
      assert.ok(cancels >= 2, `retried at all (${cancels})`);
      assert.ok(cancels <= mostTries(RETRY_BACKOFF, windowMs), `${cancels} cancels in ${windowMs} ms`);
      assert.match(error.message, /asked to retry at once \(Retry-After: 0\).*timeouts\.delete deadline \(6s\)/);
      assert.match(error.message, /refused the request \(429\), so it did nothing/);
      assertWaitsWithin(clock, RETRY_BACKOFF, windowMs);
    } finally {
      deadline.dispose();
    }
  });

  test("Retry-After: 0 on a start: a few export POSTs on the backoff's schedule, then it says nothing was started", async () => {
    hint = NOW_HINTS[0] as Hint;
    const windowMs = 8_000;
    const error = await createExport("8s");
    assertWaitsWithin(clock, RETRY_BACKOFF, windowMs);
    const posts = seen.filter((k) => k === "start").length;
    assert.ok(posts >= 2, `sent again at all (${posts})`);
    assert.ok(posts <= mostTries(RETRY_BACKOFF, windowMs), `${posts} export POSTs in ${windowMs} ms`);
    assert.match(error.message, /Nothing was started: .* the server asked to retry at once \(Retry-After: 0\)/);
    assert.doesNotMatch(error.message, /may (be running|have started)/);
  });
});

describe("a wait no deadline holds: fails at once, saying what the server asked and what the deadline allows", () => {
  for (const h of HUGE_HINTS) {
    test(`${h.label}: one GET, then the error`, async () => {
      hint = h;
      const deadline = deadlineOf(3_000, "test");
      try {
        const error = await failure(clientWith(FAST).get(NAME, { signal: deadline.signal }));
        assert.deepEqual(seen, ["get"]);
        assert.deepEqual(clock.slept, [], "no wait at all");
        assert.equal(deadline.passed, false, error.message);
        assert.match(error.message, h.asked);
        assert.match(error.message, /more than the \d+s left of the test deadline \(3s\)/);
      } finally {
        deadline.dispose();
      }
    });
  }

  test("without a deadline, a wait past MAX_HINTED_WAIT_MS fails at once too", { timeout: 20_000 }, async () => {
    hint = { label: "Retry-After: 7200", header: String((MAX_HINTED_WAIT_MS / 1000) * 2) };
    const error = await failure(clientWith(FAST).get(NAME, { signal: new AbortController().signal }));
    assert.deepEqual(seen, ["get"]);
    assert.match(
      error.message,
      /asked to wait 2h .*more than the longest this client waits for a retry without a deadline \(1h\)/,
    );
  });

  test("Retry-After: 3600 on a start: one POST, and nothing was started", async () => {
    hint = HUGE_HINTS[0] as Hint;
    const error = await createExport("20s");
    assert.equal(seen.filter((k) => k === "start").length, 1);
    assert.deepEqual(clock.slept, [], "no wait at all");
    assert.match(
      error.message,
      /Nothing was started: .*asked to wait 1h \(Retry-After: 3600\), more than the \d+s the timeouts\.create deadline \(20s\) leaves/,
    );
  });
});
