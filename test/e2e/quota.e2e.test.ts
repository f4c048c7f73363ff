import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createE2eStack, type E2eStack, operationResources } from "../support/e2e-stack";

const COUNT = 25;
const PER_MINUTE = 20;

/** The most entries of `times` (sorted, ms) inside any window of `windowMs`. */
export function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("quota: 25 exports in one pulumi up against the emulator's 20-a-minute limit", () => {
  let e: E2eStack;
  before(async () => {
    e = await createE2eStack(["--limits", "--duration-ms", "3600000", "--cancel-latency-ms", "200"]);
  });
  after(async () => {
    await e?.dispose();
  });

  test("0 errors, 25 running, at most 20 starts in any minute, and the refusals really happened", async () => {
    await e.declare(
      Array.from({ length: COUNT }, (_, i) => ({
        kind: "FirestoreExport" as const,
        name: `export-${String(i).padStart(2, "0")}`,
        args: { outputUriPrefix: `gs://bkt/quota/${i}`, collectionIds: ["users"] },
      })),
    );
    const up = await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
    assert.doesNotMatch(up.stdout, /\berror:/, "no resource failed");
    assert.match(
      up.stdout,
      new RegExp(`waiting for Firestore's export quota: ${PER_MINUTE} requests a minute per project; \\d+ ahead`),
    );

    const starts = operationResources(await e.exportState());
    assert.equal(starts.length, COUNT);
    assert.ok(
      starts.every((r) => r.outputs.state === "PROCESSING"),
      "every start step holds a running export",
    );
    const running = (await e.control("GET", "operations")).operations.filter(
      (op: { done?: boolean; name: string }) => !op.done,
    );
    assert.equal(running.length, COUNT, "25 running: one per resource, none twice");
    assert.deepEqual(
      new Set(starts.map((r) => r.id)),
      new Set(running.map((op: { name: string }) => op.name)),
      "the running ones are the stack's",
    );

    // The emulator's log (its own clock): what was accepted, what was refused.
    const posts = (await e.requests()).filter((r) => r.endpoint === "exportDocuments");
    const accepted = posts.filter((r) => r.status === 200).map((r) => r.timeMs);
    const refused = posts.filter((r) => r.status === 429);
    assert.equal(accepted.length, COUNT);
    assert.ok(refused.length >= 1, "the limit refused starts: the setup took effect");
    assert.ok(busiestWindow(accepted, 60_000) <= PER_MINUTE, `≤ ${PER_MINUTE} starts in any minute`);
    // Shared learning: after a refusal the resources queue, so refusals stay few (each sent its own: dozens).
    assert.ok(refused.length <= 10, `${refused.length} refusals`);
    console.log(
      `quota stack: ${accepted.length} accepted, ${refused.length} refused (429), busiest minute ${busiestWindow(accepted, 60_000)}, ${((Math.max(...accepted) - Math.min(...accepted)) / 1000).toFixed(1)} s from first to last start`,
    );

    await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview", "--parallel", "25"]);
    const left = (await e.control("GET", "operations")).operations.filter((op: { done?: boolean }) => !op.done);
    assert.equal(left.length, 0, "nothing runs after the destroy");
  });
});
