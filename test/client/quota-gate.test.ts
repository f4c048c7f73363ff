/**
 * The quota gate on a stepped clock: a refusal holds the next start exactly as long as it said, on the clock the
 * gate was given; which starts share a gate. That each lifecycle context has its own: test/provider/quota.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { QuotaGates } from "../../client/quota-gate";
import { quotaRefusal } from "../support/quota-refusal";
import { settledNow } from "../support/settled";
import { steppedClock } from "../support/stepped-clock";

const DB = "projects/demo-project/databases/(default)";
const OTHER_PROJECT_DB = "projects/other-project/databases/(default)";

describe("quota gate", () => {
  test("after a refusal the next start waits exactly the time it named, on the gate's clock", async () => {
    const clock = steppedClock();
    const gate = new QuotaGates(clock).gateFor(DB, "exportDocuments");
    await gate.acquire(new AbortController().signal);
    assert.equal(gate.refused(quotaRefusal(2_000)).waitMs, 2_000);
    const queued: number[] = [];
    const next = gate.acquire(new AbortController().signal, (_ahead, waitMs) => queued.push(waitMs));
    assert.deepEqual(clock.pending(), [2_000], "one timer, due when the refusal said");
    assert.deepEqual(queued, [2_000], "the waiting line is told how long");
    clock.advance(1_999);
    assert.equal(await settledNow(next), false, "not a millisecond early");
    clock.advance(1);
    assert.equal(await settledNow(next), true, "admitted when the time came");
  });

  test("export and import share a project's gate; bulk delete and other projects have their own", () => {
    const gates = new QuotaGates(steppedClock());
    const exports = gates.gateFor(DB, "exportDocuments");
    assert.equal(gates.gateFor(DB, "importDocuments"), exports);
    assert.notEqual(gates.gateFor(DB, "bulkDeleteDocuments"), exports);
    assert.notEqual(gates.gateFor(OTHER_PROJECT_DB, "exportDocuments"), exports);
  });
});
