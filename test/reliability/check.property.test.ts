/**
 * Property-based tests of checkInputs (provider/check.ts): hostile inputs never make it throw, hang or blame a
 * field that is not there; valid inputs always pass and normalize as documented. The properties run in a worker
 * thread (check-property-worker.ts) so that a call that never returns fails the test instead of hanging it.
 *
 * Generated inputs: 4 kinds x (2,000 hostile + 1,000 valid + 600 near-valid) = 14,400 (asserted below).
 * FC_SEED=<n> replays a fast-check seed.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { Worker } from "node:worker_threads";
import { checkInputs } from "../../provider/check";
import { RESOURCE_KINDS, type ResourceKind } from "../../provider/kinds";
import type { CheckTask, CheckTaskResult } from "./check-property-worker";

const HOSTILE_RUNS = 2_000;
const VALID_RUNS = 1_000;
const NEAR_VALID_RUNS = 600;
/** CPU per call (the worker measures CPU, not wall time): generous for 1 MB strings; a linear validator needs a few ms. */
const PER_CALL_MS = 250;
const NOW = Date.UTC(2026, 4, 26, 10, 20, 30);

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const totals = { runs: 0, byTask: {} as Record<string, number> };

/** Runs a task in a worker; stops it and fails when it does not answer within `deadlineMs`. */
function inWorker(task: CheckTask, deadlineMs: number): Promise<CheckTaskResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, "check-property-worker.js"), { workerData: task });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`checkInputs did not return within ${deadlineMs} ms (${task.task}, ${task.kind}): stopped`));
    }, deadlineMs);
    worker.once("message", (result: CheckTaskResult) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function property(task: "hostile" | "valid" | "nearValid", kind: ResourceKind, numRuns: number) {
  const result = await inWorker(
    { task, kind, numRuns, perCallMs: PER_CALL_MS, ...(seed === undefined ? {} : { seed }) },
    45_000,
  );
  if (!result.ok) assert.fail(result.message);
  assert.ok(result.runs >= numRuns, `${result.runs} runs, expected ${numRuns}`);
  totals.runs += result.runs;
  totals.byTask[`${task}/${kind}`] = result.runs;
  return result;
}

describe("checkInputs under generated input", () => {
  for (const kind of RESOURCE_KINDS) {
    test(`${kind}: ${HOSTILE_RUNS} hostile inputs never throw, stay under ${PER_CALL_MS} ms of CPU, fail deterministically with named fields`, async (t) => {
      const result = await property("hostile", kind, HOSTILE_RUNS);
      t.diagnostic(
        `${result.runs} runs, ${result.withoutFailures} accepted, slowest call ${result.slowestMs.toFixed(1)} ms of CPU`,
      );
    });

    test(`${kind}: ${VALID_RUNS} valid inputs pass and normalize (database projects/P/databases/D)`, async (t) => {
      const result = await property("valid", kind, VALID_RUNS);
      assert.equal(result.withoutFailures, result.runs);
      t.diagnostic(`${result.runs} runs, slowest call ${result.slowestMs.toFixed(1)} ms of CPU`);
    });

    test(`${kind}: ${NEAR_VALID_RUNS} valid inputs with one hostile field blame only that field`, async (t) => {
      const result = await property("nearValid", kind, NEAR_VALID_RUNS);
      assert.ok(result.withoutFailures < result.runs, "some hostile values were refused");
      t.diagnostic(`${result.runs} runs, ${result.withoutFailures} still accepted (and checked safe)`);
    });
  }

  after(() => {
    // Printed for the record; each test above asserts its own count (result.runs >= its numRuns).
    console.log(`checkInputs properties: ${totals.runs} generated inputs ${JSON.stringify(totals.byTask)}`);
  });

  // The total is a property of the plan, not of sibling tests' counters: every test above asserts that its own
  // property ran at least its numRuns, so the inputs that ran are at least this sum.
  test("the tests above are planned for at least 10,000 generated inputs in total", () => {
    const planned = RESOURCE_KINDS.length * (HOSTILE_RUNS + VALID_RUNS + NEAR_VALID_RUNS);
    assert.equal(planned, 14_400);
    assert.ok(planned >= 10_000, `only ${planned} generated inputs planned`);
  });
});

describe("checkInputs on crafted hostile input", () => {
  // Regression (found by these tests, fixed): `path.replace(/^\/|\/+$/g, "")` in provider/check.ts backtracks on every
  // position of a run of slashes, so a long run is quadratic (64k slashes: seconds; 1 MB: tens of minutes).
  for (const kind of ["export", "import"] as const) {
    test(`${kind}: a gs:// path with 64,000 consecutive slashes is refused within ${PER_CALL_MS} ms of CPU`, async () => {
      // The 250 ms bound is checked inside the worker, per call; this deadline only stops a call that hangs (a
      // worker's start alone can take seconds on a busy machine).
      const result = await inWorker({ task: "slashes", kind, length: 64_000, perCallMs: PER_CALL_MS }, 30_000);
      if (!result.ok) assert.fail(result.message);
    });
  }

  // Regression (found by these tests, fixed): unknown keys are echoed as the failure's property, so a key "" gives a failure
  // with an empty property, which the engine cannot attach to any field.
  test('a news key "" is refused with a failure that has a non-empty property', () => {
    for (const kind of RESOURCE_KINDS) {
      const { failures } = checkInputs(kind, { "": 1, outputUriPrefix: "gs://bkt/x" }, "demo-project", NOW);
      const refusal = failures.find((f) => f.reason === "is not an input of this resource");
      assert.ok(refusal, `${kind}: the key "" is refused`);
      assert.notEqual(refusal.property, "", `${kind}: failure property is empty: ${JSON.stringify(refusal)}`);
    }
  });

  // Regression (found by these tests, fixed): several rules quote the whole offending value, so a 1 MB value makes a 1 MB
  // failure reason (printed by the CLI, kept in logs). Other rules already quote a short slice (60-80 chars).
  test("failure reasons quote at most a bounded slice of a 1 MB value", () => {
    const huge = "A".repeat(1_000_000);
    const cases: [kind: ResourceKind, news: Record<string, unknown>][] = [
      ["export", { outputUriPrefix: `gs://${huge}` }],
      ["export", { outputUriPrefix: `gs://bkt/${huge}\u0000` }],
      ["export", { outputUriPrefix: "gs://bkt", database: huge }],
      ["export", { outputUriPrefix: "gs://bkt", database: `projects/${huge.toLowerCase()}/databases/x` }],
      ["export", { outputUriPrefix: "gs://bkt", project: huge }],
      ["export", { outputUriPrefix: "gs://bkt", collectionIds: [`${huge}/x`] }],
      ["export", { outputUriPrefix: "gs://bkt", collectionIds: [`__${huge}__`] }],
      ["export", { outputUriPrefix: "gs://bkt", collectionIds: [huge, huge] }],
      ["export", { outputUriPrefix: "gs://bkt", namespaceIds: [`__${huge}__`] }],
      ["export", { outputUriPrefix: "gs://bkt", timeouts: { create: huge } }],
      ["export", { outputUriPrefix: "gs://bkt", snapshotTime: huge }],
      ["adopted", { operationName: `projects/demo-project/databases/(default)/operations/${huge}` }],
      ["adopted", { operationName: `projects/${huge}/databases/(default)/operations/x` }],
    ];
    const oversized: string[] = [];
    for (const [kind, news] of cases) {
      const { failures } = checkInputs(kind, news, "demo-project", NOW);
      assert.ok(failures.length > 0, `${kind} ${Object.keys(news).join(",")} refused`);
      for (const f of failures) {
        if (f.reason.length > 1_000)
          oversized.push(`${f.property}: ${f.reason.length} chars ("${f.reason.slice(0, 50)}...")`);
      }
    }
    assert.deepEqual(oversized, [], `failure reasons longer than 1,000 chars:\n${oversized.join("\n")}`);
  });

  // Regression (found by these tests, fixed): a non-string project already fails "must be a string", but is
  // still handed to resolveDatabase, whose regex test converts it to a string; for JSON such as
  // {"toString": ""} (or an object without a prototype) that throws, and the TypeError surfaces as a failure
  // on "(input)" reading "Cannot convert object to primitive value".
  test("a project that is not a string gives a failure on project, never an internal error", () => {
    // The first two are plain JSON (found by the hostile property): {"toString": ""} has no callable toString.
    const projects = [{ toString: "" }, [{ toString: "" }], Object.create(null), ["demo-project"], { a: 1 }];
    for (const project of projects) {
      const { failures } = checkInputs("export", { project, outputUriPrefix: "gs://bkt" }, "demo-project", NOW);
      assert.ok(failures.length > 0);
      const stray = failures.filter((f) => f.property !== "project");
      assert.deepEqual(stray, [], `failures besides "project": ${JSON.stringify(failures)}`);
    }
  });

  test("prototype-pollution keys are refused as unknown inputs and pollute nothing", () => {
    for (const kind of RESOURCE_KINDS) {
      const news = JSON.parse(
        '{"__proto__": {"polluted": 1, "database": "projects/evil-project/databases/(default)"}, "constructor": {"prototype": {"polluted": 1}}, "outputUriPrefix": "gs://bkt/x", "timeouts": {"__proto__": "1h", "create": "1h"}}',
      );
      const { inputs, failures } = checkInputs(kind, news, "demo-project", NOW);
      const properties = failures.map((f) => f.property);
      assert.ok(properties.includes("__proto__"), `${kind}: ${JSON.stringify(failures)}`);
      assert.ok(properties.includes("constructor"));
      assert.ok(properties.includes("timeouts.__proto__"));
      assert.equal(({} as { polluted?: unknown }).polluted, undefined, "Object.prototype untouched");
      assert.notEqual(inputs.database, "projects/evil-project/databases/(default)");
      assert.equal(Object.getPrototypeOf(inputs), Object.prototype);
    }
  });
});
