/**
 * The estimator against the emulator's messy profile (a stepped clock shared by both): no estimate while
 * INITIALIZING, none before Firestore estimates the work, a real one in between, none once the work done passes
 * the (low) estimate, none while FINALIZING.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseOperation } from "../../client/operation-view";
import { estimateText, ProgressEstimator } from "../../client/progress-estimate";
import type { MessyTimeline } from "../../emulator/operation";
import { DB, withEmulator } from "../support/emulator-client";

const DURATION = 100_000;

describe("estimates against the messy profile", () => {
  test("missing and overtaken estimates give no ETA; the part in between does", async () => {
    const start = Date.parse("2026-06-01T00:00:00Z");
    let t = start;
    const now = () => t;
    await withEmulator(
      { seed: 7, now, collections: { users: 1_000 }, behaviour: { operationDurationMs: DURATION, profile: "messy" } },
      async (emu) => {
        const started = (await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: "gs://bkt/eta" })).json;
        const records = (await emu.control("GET", "operations")).json.operations;
        const m: MessyTimeline = records.find((r: { name: string }) => r.name === started.name).messy;
        assert.ok(m.estimateAfter < m.estimateRatio, "this seed has a stretch with a meaningful estimate");
        const working = (work: number): number => m.initializing + work * (1 - m.initializing - m.finalizing);
        const estimator = new ProgressEstimator(now, { windowMs: DURATION });
        const read = async (elapsed: number): Promise<string> => {
          t = start + Math.round(elapsed * DURATION);
          const view = parseOperation((await emu.call("GET", `/v1/${started.name}`)).json);
          estimator.add(view);
          return `${view.state}: ${estimateText(estimator.estimate())}`;
        };

        assert.equal(await read(m.initializing / 2), "INITIALIZING: no estimate while INITIALIZING");
        assert.equal(
          await read(working(m.estimateAfter / 2)),
          "PROCESSING: no estimate yet: Firestore has not estimated the work",
        );
        const between = (share: number) => m.estimateAfter + (m.estimateRatio - m.estimateAfter) * share;
        await read(working(between(0.3)));
        const meaningful = await read(working(between(0.6)));
        assert.match(
          meaningful,
          /^PROCESSING: [\d,]+ documents\/s, [\d.]+ [KM]?B\/s, about \d+s left \(ends about 00:0\d:\d\dZ\)$/,
        );
        assert.equal(
          await read(working(0.99)),
          "PROCESSING: no estimate: the work done has passed Firestore's estimate",
        );
        assert.equal(await read(1 - m.finalizing / 2), "FINALIZING: no estimate while FINALIZING");
      },
    );
  });
});
