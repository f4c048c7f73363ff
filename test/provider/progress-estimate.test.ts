/** Throughput and an estimated end time from the last samples, and the reasons there is none. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { estimateText, ProgressEstimator } from "../../client/progress-estimate";
import { withProvider } from "../support/provider-harness";

const URN = "urn:pulumi:test::proj::firestore-operations:index:FirestoreExport::eta";

function clock(start = Date.parse("2026-01-01T12:00:00Z")): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

const docs = (completed: number, estimated = 10_000) => ({ completed, estimated });

describe("ProgressEstimator", () => {
  test("a steady rate: documents and bytes per second, time left and the end time", () => {
    const c = clock();
    const e = new ProgressEstimator(c.now);
    for (let i = 0; i <= 10; i++) {
      e.add({ state: "PROCESSING", documents: docs(i * 100), bytes: { completed: i * 50_000, estimated: 5_000_000 } });
      c.advance(1_000);
    }
    c.advance(-1_000); // the last reading is now
    const estimate = e.estimate();
    assert.ok(estimate.meaningful);
    assert.equal(estimate.basis, "documents");
    assert.equal(estimate.documentsPerSecond, 100);
    assert.equal(estimate.bytesPerSecond, 50_000);
    assert.equal(estimate.remainingMs, 90_000, "9,000 documents at 100/s");
    assert.equal(estimateText(estimate), "100 documents/s, 50.0 KB/s, about 1m30s left (ends about 12:01:40Z)");
  });

  test("the window: only recent samples count, so a change of pace shows", () => {
    const c = clock();
    const e = new ProgressEstimator(c.now, { windowMs: 10_000 });
    let done = 0;
    for (let i = 0; i < 30; i++) {
      e.add({ state: "PROCESSING", documents: docs(done) });
      done += i < 15 ? 10 : 100;
      c.advance(1_000);
    }
    c.advance(-1_000);
    const estimate = e.estimate();
    assert.ok(estimate.meaningful);
    assert.equal(estimate.documentsPerSecond, 100, "the slow start fell out of the window");
  });

  test("time passes without news: the remaining time shrinks, then there is no estimate", () => {
    const c = clock();
    const e = new ProgressEstimator(c.now, { windowMs: 30_000 });
    e.add({ state: "PROCESSING", documents: docs(0) });
    c.advance(10_000);
    e.add({ state: "PROCESSING", documents: docs(1_000) });
    const fresh = e.estimate();
    c.advance(5_000);
    const later = e.estimate();
    assert.ok(fresh.meaningful && later.meaningful);
    assert.equal(fresh.remainingMs - later.remainingMs, 5_000);
    c.advance(60_000);
    assert.deepEqual(e.estimate(), { meaningful: false, reason: "no estimate: no progress in the last 1m5s" });
  });

  test("no estimate, and why: one reading, too soon, no progress, no estimate of the work, overtaken, not running", () => {
    const reason = (e: ProgressEstimator) => {
      const estimate = e.estimate();
      assert.equal(estimate.meaningful, false);
      return estimate.meaningful ? "" : estimate.reason;
    };
    const c = clock();
    let e = new ProgressEstimator(c.now);
    assert.equal(reason(e), "no estimate yet: no progress read so far");
    e.add({ state: "PROCESSING", documents: docs(10) });
    assert.equal(reason(e), "no estimate yet: one reading so far");
    c.advance(200);
    e.add({ state: "PROCESSING", documents: docs(20) });
    assert.equal(reason(e), "no estimate yet: too short a time to measure");

    e = new ProgressEstimator(c.now);
    e.add({ state: "PROCESSING", documents: docs(10) });
    c.advance(5_000);
    e.add({ state: "PROCESSING", documents: docs(10) });
    assert.equal(reason(e), "no estimate: no progress in the last 5s");

    // The messy profile: no estimate early, then one the work done overtakes.
    e = new ProgressEstimator(c.now);
    e.add({ state: "PROCESSING", documents: { completed: 10, estimated: 0 } });
    c.advance(5_000);
    e.add({ state: "PROCESSING", documents: { completed: 500, estimated: 0 } });
    assert.equal(reason(e), "no estimate yet: Firestore has not estimated the work");
    c.advance(5_000);
    e.add({ state: "PROCESSING", documents: { completed: 1_200, estimated: 1_000 } });
    assert.equal(reason(e), "no estimate: the work done has passed Firestore's estimate");

    e = new ProgressEstimator(c.now);
    e.add({ state: "INITIALIZING" });
    assert.equal(reason(e), "no estimate while INITIALIZING");
    e.add({ state: "FINALIZING", documents: docs(10_000) });
    assert.equal(reason(e), "no estimate while FINALIZING");
  });

  test("bytes only: the estimate comes from bytes", () => {
    const c = clock();
    const e = new ProgressEstimator(c.now);
    e.add({ state: "PROCESSING", bytes: { completed: 0, estimated: 10_000_000 } });
    c.advance(10_000);
    e.add({ state: "PROCESSING", bytes: { completed: 1_000_000, estimated: 10_000_000 } });
    const estimate = e.estimate();
    assert.ok(estimate.meaningful);
    assert.equal(estimate.basis, "bytes");
    assert.equal(estimate.remainingMs, 90_000);
    assert.equal(estimateText(estimate), "100.0 KB/s, about 1m30s left (ends about 12:01:40Z)");
  });
});

describe("the wait step's waiting lines (against the emulator)", () => {
  test("a running export: no estimate at the first reading, then throughput and the end time", async () => {
    await withProvider({ behaviour: { operationDurationMs: 7_000 } }, {}, async (h) => {
      const start = await h.up("export", { outputUriPrefix: "gs://bkt/eta", waitFor: "done", resourceUrn: URN });
      await h.up("wait", { operationName: start.id, timeouts: start.outs.timeouts, resourceUrn: URN });
      const lines = h.messages.filter((m) => m.level === "status").map((m) => m.text);
      // Firestore estimates the work only some way in: the first lines say so, and print no missing number.
      assert.match(lines[0] ?? "", /^eta: PROCESSING[^;]*; no estimate yet: [^;]+; Ctrl-C/);
      for (const line of lines) assert.doesNotMatch(line, /undefined|NaN/);
      const estimated = lines.find((line) => /documents\/s/.test(line));
      assert.ok(estimated, lines.join("\n"));
      assert.match(
        estimated,
        /^eta: PROCESSING [\d,]+\/26,200 documents \([\d.]+%\), [\d.]+ [KM]B\/[\d.]+ MB; [\d,]+ documents\/s, [\d.]+ [KM]B\/s, about \d+s left \(ends about \d\d:\d\d:\d\dZ\); Ctrl-C/,
      );
      // The emulator's export runs at a steady pace: 26,200 documents in 7 s.
      const rate = Number(/([\d,]+) documents\/s/.exec(estimated)?.[1]?.replace(/,/g, ""));
      assert.ok(rate > 2_500 && rate < 6_000, `about 3,700 documents/s, got ${rate}`);
      assert.match(lines.at(-1) ?? "", /^eta: SUCCESSFUL 26,200\/26,200 documents \(100\.0%\)/);
      // It ended: nothing left to wait for, so neither an estimate nor the Ctrl-C hint of a wait.
      assert.doesNotMatch(lines.at(-1) ?? "", /estimate|left|Ctrl-C/);
    });
  });
});
