import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { isTerminalState, parseOperation } from "../../client/operation-view";
import { describeProgress } from "../../client/progress-text";
import {
  estimateRevisedAt,
  type MessyTimeline,
  revisedEstimateRatio,
  TIDY_ESTIMATE_AFTER,
} from "../../emulator/operation";
import { liveOutputs } from "../../provider/outputs";
import { DB, type TestEmulator, withEmulator } from "../support/emulator-client";
import { spawnEmulator } from "../support/emulator-process";

const DURATION = 100_000;
const DOCUMENTS = 1_000;

/** A clock the test moves: each stage is reached by setting the time, never by waiting. */
function steppedClock(): { now: () => number; at: (elapsedFraction: number) => void } {
  const start = Date.parse("2026-06-01T00:00:00Z");
  let t = start;
  return { now: () => t, at: (elapsed) => (t = start + Math.round(elapsed * DURATION)) };
}

const options = (profile: "tidy" | "messy", clock: { now: () => number }, seed = 7) => ({
  seed,
  now: clock.now,
  collections: { users: DOCUMENTS },
  behaviour: { operationDurationMs: DURATION, profile },
});

async function startExport(emu: TestEmulator, prefix = "gs://bkt/messy") {
  const reply = await emu.call("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix: prefix });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}

async function timeline(emu: TestEmulator, name: string): Promise<MessyTimeline | undefined> {
  const records = (await emu.control("GET", "operations")).json.operations;
  return records.find((r: { name: string }) => r.name === name)?.messy;
}

describe("profile messy", () => {
  test("INITIALIZING -> PROCESSING -> FINALIZING -> SUCCESSFUL, estimates missing early and overtaken", async () => {
    const clock = steppedClock();
    await withEmulator(options("messy", clock), async (emu) => {
      assert.equal((await emu.control("GET", "behaviour")).json.profile, "messy");
      const started = await startExport(emu);
      const m = await timeline(emu, started.name);
      assert.ok(m, "the operation drew a messy timeline");
      assert.ok(m.initializing > 0 && m.finalizing > 0 && m.estimateRatio < 1 && m.estimateAfter > 0);
      // elapsed time at which a given share of the work is done
      const working = (work: number): number => m.initializing + work * (1 - m.initializing - m.finalizing);
      const get = async () => (await emu.call("GET", `/v1/${started.name}`)).json;

      assert.equal(started.metadata.operationState, "INITIALIZING");
      assert.equal(started.metadata.progressDocuments, undefined, "no progress at all in the start reply");
      assert.equal(started.metadata.progressBytes, undefined);

      clock.at(working(m.estimateAfter / 2));
      let op = await get();
      assert.equal(op.metadata.operationState, "PROCESSING");
      assert.ok(Number(op.metadata.progressDocuments.completedWork) > 0);
      assert.equal(op.metadata.progressDocuments.estimatedWork, undefined, "the estimate is missing early");
      assert.equal(op.metadata.progressBytes.estimatedWork, undefined);

      clock.at(working((m.estimateAfter + estimateRevisedAt(m)) / 2));
      op = await get();
      const first = Number(op.metadata.progressDocuments.estimatedWork);
      assert.equal(first, Math.round(DOCUMENTS * m.estimateRatio), "the first estimate, low");

      clock.at(working(0.99));
      op = await get();
      assert.equal(op.metadata.operationState, "PROCESSING");
      const estimated = Number(op.metadata.progressDocuments.estimatedWork);
      assert.equal(estimated, Math.round(DOCUMENTS * revisedEstimateRatio(m)), "revised");
      assert.ok(estimated > first, "revised upwards");
      assert.ok(Number(op.metadata.progressDocuments.completedWork) > estimated, "completed overtook the estimate");

      clock.at(1 - m.finalizing / 2);
      op = await get();
      assert.equal(op.metadata.operationState, "FINALIZING");
      assert.equal(op.done, undefined);
      assert.equal(op.metadata.progressDocuments.completedWork, String(DOCUMENTS));
      const files = async () =>
        (await emu.control("GET", "storage/bkt?prefix=messy/")).json.objects.map((o: { name: string }) => o.name);
      assert.ok((await files()).length > 0, "all data files are written");
      assert.equal(
        (await files()).some((n: string) => n.endsWith(".overall_export_metadata")),
        false,
        "but not the overall metadata before the end",
      );

      clock.at(1);
      op = await get();
      assert.equal(op.metadata.operationState, "SUCCESSFUL");
      assert.equal(op.done, true);
      assert.equal(op.metadata.progressDocuments.completedWork, String(DOCUMENTS));
      assert.ok(Number(op.metadata.progressDocuments.estimatedWork) < DOCUMENTS, "the final estimate stays low");
      assert.ok((await files()).some((n: string) => n.endsWith(".overall_export_metadata")));
    });
  });

  test("a cancel during INITIALIZING goes through CANCELLING to CANCELLED", async () => {
    const clock = steppedClock();
    await withEmulator(options("messy", clock), async (emu) => {
      const started = await startExport(emu);
      assert.equal(started.metadata.operationState, "INITIALIZING");
      assert.equal((await emu.call("POST", `/v1/${started.name}:cancel`)).status, 200);
      assert.equal((await emu.call("GET", `/v1/${started.name}`)).json.metadata.operationState, "CANCELLING");
      clock.at(0.5);
      const op = (await emu.call("GET", `/v1/${started.name}`)).json;
      assert.equal(op.metadata.operationState, "CANCELLED");
      assert.equal(op.error.code, 1);
    });
  });

  test("the timelines are reproducible from the seed", async () => {
    const draws = async (seed: number) => {
      const clock = steppedClock();
      const out: (MessyTimeline | undefined)[] = [];
      await withEmulator(options("messy", clock, seed), async (emu) => {
        for (const prefix of ["gs://bkt/a", "gs://bkt/b"])
          out.push(await timeline(emu, (await startExport(emu, prefix)).name));
      });
      return out;
    };
    const first = await draws(7);
    assert.ok(first[0] && first[1]);
    assert.notDeepEqual(first[0], first[1], "each operation draws its own timeline");
    assert.deepEqual(await draws(7), first);
    assert.notDeepEqual(await draws(8), first);
  });

  test("with --data-dir an operation keeps its timeline across a restart", async () => {
    const clock = steppedClock();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-messy-"));
    try {
      let name = "";
      let before: MessyTimeline | undefined;
      await withEmulator({ ...options("messy", clock), dataDir }, async (emu) => {
        name = (await startExport(emu)).name;
        before = await timeline(emu, name);
      });
      assert.ok(before);
      // Restarted tidy: the operation keeps the timeline it was started with.
      await withEmulator({ ...options("tidy", clock), dataDir }, async (emu) => {
        assert.deepEqual(await timeline(emu, name), before);
        clock.at(1 - (before as MessyTimeline).finalizing / 2);
        assert.equal((await emu.call("GET", `/v1/${name}`)).json.metadata.operationState, "FINALIZING");
      });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("the CLI flag --profile messy turns it on, limits included", async () => {
    const emu = await spawnEmulator(["--profile", "messy"]);
    try {
      const behaviour = (await (await fetch(`${emu.url}/emulator/v1/behaviour`)).json()) as {
        profile: string;
        limits: { enabled: boolean };
      };
      assert.equal(behaviour.profile, "messy", emu.output());
      assert.equal(behaviour.limits.enabled, true);
    } finally {
      await emu.kill();
    }
  });
});

describe("the provider's parser reads every messy answer", () => {
  test("INITIALIZING and FINALIZING are running states; a missing or overtaken estimate is no error", async () => {
    const clock = steppedClock();
    await withEmulator(options("messy", clock), async (emu) => {
      const started = await startExport(emu);
      const m = await timeline(emu, started.name);
      assert.ok(m);
      const working = (work: number): number => m.initializing + work * (1 - m.initializing - m.finalizing);
      const seen: string[] = [];
      for (const elapsed of [0, working(m.estimateAfter / 2), working(0.99), 1 - m.finalizing / 2, 1]) {
        clock.at(elapsed);
        for (const alt of ["", "?$alt=json%3Benum-encoding%3Dint"]) {
          const view = parseOperation((await emu.call("GET", `/v1/${started.name}${alt}`)).json, started.name);
          const outs = liveOutputs(view);
          assert.ok(outs.progressPercent === undefined || outs.progressPercent <= 100, JSON.stringify(outs));
          const line = describeProgress(view);
          assert.doesNotMatch(line, /\((1\d\d|[2-9]\d\d)\.\d%\)/, `no percentage over 100: ${line}`);
          if (view.documents && view.documents.completed > view.documents.estimated && view.documents.estimated > 0)
            assert.match(line, /documents \(over the estimate of [\d,]+\)/, line);
          assert.equal(isTerminalState(view.state), view.done, `${view.state} and done agree`);
          if (alt === "") seen.push(view.state);
        }
      }
      assert.deepEqual(seen, ["INITIALIZING", "PROCESSING", "PROCESSING", "FINALIZING", "SUCCESSFUL"]);
    });
  });
});

describe("profile tidy (the default)", () => {
  test("nothing messy: PROCESSING from the start, no progress in the start reply, then an exact estimate, no zeros", async () => {
    const clock = steppedClock();
    await withEmulator({ ...options("tidy", clock), behaviour: { operationDurationMs: DURATION } }, async (emu) => {
      assert.equal((await emu.control("GET", "behaviour")).json.profile, "tidy");
      const started = await startExport(emu);
      assert.equal(await timeline(emu, started.name), undefined);
      assert.equal(started.metadata.operationState, "PROCESSING");
      assert.equal(started.metadata.progressDocuments, undefined, "no progress in the start reply");
      // 0.1 documents done rounds to 0, which proto3 JSON omits rather than sending "0": no Progress at all yet.
      clock.at(0.0001);
      const op = (await emu.call("GET", `/v1/${started.name}`)).json;
      assert.equal(op.metadata.progressDocuments, undefined, JSON.stringify(op.metadata));
      clock.at(TIDY_ESTIMATE_AFTER / 2);
      const early = (await emu.call("GET", `/v1/${started.name}`)).json;
      assert.deepEqual(early.metadata.progressDocuments, {
        completedWork: String(DOCUMENTS * (TIDY_ESTIMATE_AFTER / 2)),
      });
      clock.at(0.5);
      const half = (await emu.call("GET", `/v1/${started.name}`)).json;
      assert.deepEqual(half.metadata.progressDocuments, {
        estimatedWork: String(DOCUMENTS),
        completedWork: String(DOCUMENTS / 2),
      });
    });
  });
});
