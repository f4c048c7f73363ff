/**
 * The decisions of diff, read and delete, on a scripted client: what each concludes from what the server says, and
 * the exact requests it makes. No server and no sleeps; the same decisions run against the emulator in
 * delete.test.ts, outputs-and-refresh.test.ts and the end-to-end suite. Every test here fails if a scripted answer
 * is left unused or a call finds none (the harness checks after each test: scripted-client.test.ts shows it does).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RETRY_BACKOFF } from "../../client/backoff";
import { requestCancel } from "../../client/cancel-request";
import { QuotaGates } from "../../client/quota-gate";
import type { LifecycleContext } from "../../provider/context";
import { OperationsProvider } from "../../provider/operations-provider";
import type { ResourceOutputs } from "../../provider/outputs";
import { refreshOutputs } from "../../provider/refresh";
import { SILENT } from "../../provider/reporter";
import { apiError, DB, NAME, operationJson, scriptedClient } from "../support/scripted-client";
import { runningExportOutputs } from "../support/stored-outputs";

const running = operationJson("PROCESSING");
const DATABASE = { name: DB };

describe("requestCancel: one verdict for destroy and firestore-ops cancel", () => {
  test("a known type: the cancel goes first, then the read that is the wait's first poll", async () => {
    const s = scriptedClient({ cancel: [{}], get: [operationJson("CANCELLING")] });
    const verdict = await requestCancel(s.client, NAME, { metadataType: "ExportDocumentsMetadata" });
    assert.equal(verdict.result, "sent");
    assert.deepEqual(s.calls, ["cancel", "get"]);
  });

  test("an unknown type: read first; one that is over gets no cancel", async () => {
    const s = scriptedClient({ get: [operationJson("SUCCESSFUL")] });
    assert.equal((await requestCancel(s.client, NAME)).result, "ended-before");
    assert.deepEqual(s.calls, ["get"]);
  });

  test("a restore is never sent a cancel, whether its type is known or read", async () => {
    const restore = operationJson("PROCESSING", { type: "RestoreDatabaseMetadata" });
    for (const metadataType of ["RestoreDatabaseMetadata", undefined]) {
      const s = scriptedClient({ get: [restore] });
      const verdict = await requestCancel(s.client, NAME, metadataType ? { metadataType } : {});
      assert.equal(verdict.result, "not-cancellable");
      assert.match((verdict as { reason: string }).reason, /restore cannot be cancelled/);
      assert.deepEqual(s.calls, ["get"], `metadataType ${metadataType}`);
    }
  });

  test("FAILED_PRECONDITION: refused while it runs, ended-before once it is over", async () => {
    const refused = scriptedClient({ cancel: [apiError(400, "FAILED_PRECONDITION")], get: [running] });
    const verdict = await requestCancel(refused.client, NAME, { metadataType: "ExportDocumentsMetadata" });
    assert.equal(verdict.result, "refused");
    assert.match((verdict as { message: string }).message, /FAILED_PRECONDITION/);
    const over = scriptedClient({ cancel: [apiError(400, "FAILED_PRECONDITION")], get: [operationJson("FAILED")] });
    assert.equal((await requestCancel(over.client, NAME, { metadataType: "" })).result, "ended-before");
  });

  test("UNIMPLEMENTED: said, with the state when it can be read (and without it when it cannot)", async () => {
    const readable = scriptedClient({ cancel: [apiError(501, "UNIMPLEMENTED")], get: [running] });
    const verdict = await requestCancel(readable.client, NAME, { metadataType: "" });
    assert.deepEqual([verdict.result, verdict.view?.state], ["unimplemented", "PROCESSING"]);
    const unreadable = scriptedClient({
      cancel: [apiError(501, "UNIMPLEMENTED")],
      get: [apiError(503, "UNAVAILABLE")],
    });
    const blind = await requestCancel(unreadable.client, NAME, { metadataType: "" });
    assert.deepEqual([blind.result, blind.view], ["unimplemented", undefined]);
    assert.deepEqual(unreadable.calls, ["cancel", "get"], "the state was asked for, and could not be read");
  });

  test("ended before the cancel, on the server's clock: its end before the answer's Date", async () => {
    const endTime = "2026-12-01T00:01:00Z";
    const before = scriptedClient({
      cancel: [{ serverTimeMs: Date.parse(endTime) + 2_000 }],
      get: [operationJson("SUCCESSFUL", { endTime })],
    });
    assert.equal((await requestCancel(before.client, NAME, { metadataType: "" })).result, "ended-before");
    const despite = scriptedClient({
      cancel: [{ serverTimeMs: Date.parse(endTime) - 2_000 }],
      get: [operationJson("SUCCESSFUL", { endTime })],
    });
    assert.equal((await requestCancel(despite.client, NAME, { metadataType: "" })).result, "sent");
  });

  test("a 429 proves nothing was cancelled: sent again after the wait asked for, within patience only", async () => {
    const waits: number[] = [];
    const patient = scriptedClient({
      cancel: [apiError(429, "RESOURCE_EXHAUSTED", { retryAfterMs: 5 }), {}],
      get: [operationJson("CANCELLING")],
    });
    const verdict = await requestCancel(patient.client, NAME, {
      metadataType: "",
      quotaPatienceMs: 60_000,
      onQuotaWait: (ms) => waits.push(ms),
    });
    assert.equal(verdict.result, "sent");
    assert.deepEqual(patient.calls, ["cancel", "cancel", "get"]);
    // A 5 ms hint waits no less than the backoff's first delay (client/retry-hint.ts: the floor).
    assert.equal(waits.length, 1);
    assert.ok((waits[0] ?? 0) >= RETRY_BACKOFF.initialDelayMs * (1 - RETRY_BACKOFF.jitter), `waited ${waits[0]} ms`);
    assert.deepEqual(patient.clock.slept, waits, "it slept, on the client's clock, exactly the wait it announced");
    const impatient = scriptedClient({ cancel: [apiError(429, "RESOURCE_EXHAUSTED", { retryAfterMs: 5_000 })] });
    await assert.rejects(requestCancel(impatient.client, NAME, { metadataType: "", quotaPatienceMs: 1_000 }), /429/);
    assert.deepEqual(impatient.calls, ["cancel"]);
  });

  test("a 404 is thrown for the caller to prove or not", async () => {
    const s = scriptedClient({ cancel: [apiError(404, "NOT_FOUND")] });
    await assert.rejects(requestCancel(s.client, NAME, { metadataType: "" }), /NOT_FOUND/);
  });
});

function context(client: LifecycleContext["client"]): LifecycleContext {
  return {
    settings: { endpoint: "http://127.0.0.1:1/v1/", allowInsecureEndpoint: false },
    client,
    reporter: SILENT,
    quotaGates: new QuotaGates(client.clock),
  };
}

const stored = (extra: Partial<ResourceOutputs> = {}): ResourceOutputs =>
  runningExportOutputs(NAME, { collectionIds: ["a", "b"], waitFor: "done", ...extra });

describe("diff: what replaces, what updates", () => {
  const news = (extra: Record<string, unknown> = {}) => ({
    database: DB,
    outputUriPrefix: "gs://bkt/x",
    collectionIds: ["b", "a"],
    waitFor: "done",
    timeouts: { create: "2h", delete: "30m" },
    onCancelLost: "warn",
    ...extra,
  });

  test("reordered ids ask for the same operation; a running one is read once and not replaced", async () => {
    const s = scriptedClient({ get: [running] });
    const diff = await new OperationsProvider("export", () => context(s.client)).diff(NAME, stored(), news());
    assert.deepEqual([diff.changes, diff.replaces], [false, []]);
    assert.deepEqual(s.calls, ["get"]);
  });

  test("a changed operation input replaces, cancelling the old one first", async () => {
    const s = scriptedClient({ get: [running] });
    const diff = await new OperationsProvider("export", () => context(s.client)).diff(
      NAME,
      stored(),
      news({ outputUriPrefix: "gs://bkt/y" }),
    );
    assert.deepEqual([diff.changes, diff.replaces, diff.deleteBeforeReplace], [true, ["outputUriPrefix"], true]);
  });

  test("a waited-for operation that ended FAILED or CANCELLED starts again; SUCCESSFUL does not", async () => {
    for (const [state, replaces] of [
      ["FAILED", ["waitFor"]],
      ["CANCELLED", ["waitFor"]],
      ["SUCCESSFUL", []],
    ] as const) {
      const s = scriptedClient({});
      const diff = await new OperationsProvider("export", () => context(s.client)).diff(
        NAME,
        stored({ done: true, state }),
        news(),
      );
      assert.deepEqual(diff.replaces, replaces, state);
      assert.deepEqual(s.calls, [], "done is final: no request");
    }
  });

  test("a read that fails never fails the diff (the wait step reports it)", async () => {
    const s = scriptedClient({ get: [apiError(503, "UNAVAILABLE")] });
    const diff = await new OperationsProvider("export", () => context(s.client)).diff(NAME, stored(), news());
    assert.deepEqual(diff.replaces, []);
    assert.deepEqual(s.calls, ["get"], "the read was made, and failed");
  });

  test("only settings changed: an update, never a replace", async () => {
    const s = scriptedClient({ get: [running] });
    const diff = await new OperationsProvider("export", () => context(s.client)).diff(
      NAME,
      stored(),
      news({ timeouts: { create: "3h", delete: "30m" } }),
    );
    assert.deepEqual([diff.changes, diff.replaces], [true, []]);
  });
});

describe("read: what a refresh stores", () => {
  test("done is final: no request, the stored outcome stays", async () => {
    const s = scriptedClient({});
    const props = stored({ done: true, state: "SUCCESSFUL" });
    assert.equal((await refreshOutputs(context(s.client), NAME, props)).state, "SUCCESSFUL");
    assert.deepEqual(s.calls, []);
  });

  test("a running one is read live", async () => {
    const s = scriptedClient({ get: [operationJson("CANCELLING")] });
    assert.equal((await refreshOutputs(context(s.client), NAME, stored())).state, "CANCELLING");
  });

  test("the API's NOT_FOUND from the server that holds the database: kept, as done with an unknown outcome", async () => {
    const s = scriptedClient({ get: [apiError(404, "NOT_FOUND")], getDatabase: [DATABASE] });
    const refreshed = await refreshOutputs(context(s.client), NAME, stored());
    assert.deepEqual([refreshed.done, refreshed.state], [true, "OPERATION_STATE_UNSPECIFIED"]);
    assert.match(refreshed.errorMessage ?? "", /no longer exists on the server/);
    assert.deepEqual(s.calls, ["get", "getDatabase"]);
  });

  test("a 404 that proves nothing (a proxy, another server) fails the refresh and keeps the state", async () => {
    for (const getDatabase of [apiError(404, "NOT_FOUND"), {}]) {
      const s = scriptedClient({ get: [apiError(404, "NOT_FOUND")], getDatabase: [getDatabase] });
      await assert.rejects(refreshOutputs(context(s.client), NAME, stored()), /does not prove that .* is gone/);
    }
  });
});

describe("delete: which path, which requests", () => {
  test("done in state: nothing is sent", async () => {
    const s = scriptedClient({});
    await new OperationsProvider("export", () => context(s.client)).delete(
      NAME,
      stored({ done: true, state: "SUCCESSFUL" }),
    );
    assert.deepEqual(s.calls, []);
  });

  test("a cancel that lands at once: cancel, one read, nothing more", async () => {
    const s = scriptedClient({ cancel: [{}], get: [operationJson("CANCELLED")] });
    await new OperationsProvider("export", () => context(s.client)).delete(NAME, stored());
    assert.deepEqual(s.calls, ["cancel", "get"]);
  });

  test("gone, as the API proves it: removed without error; unproven: the step fails", async () => {
    const proven = scriptedClient({ cancel: [apiError(404, "NOT_FOUND")], getDatabase: [DATABASE] });
    await new OperationsProvider("export", () => context(proven.client)).delete(NAME, stored());
    assert.deepEqual(proven.calls, ["cancel", "getDatabase"]);
    const unproven = scriptedClient({ cancel: [apiError(404, "NOT_FOUND")], getDatabase: [{}] });
    await assert.rejects(
      new OperationsProvider("export", () => context(unproven.client)).delete(NAME, stored()),
      /resource stays in the stack/,
    );
  });

  test("onCancelLost fail: an operation that completed despite the cancel fails the step", async () => {
    const endTime = "2026-12-01T00:01:00Z";
    const s = scriptedClient({
      cancel: [{ serverTimeMs: Date.parse(endTime) - 1_000 }],
      get: [operationJson("SUCCESSFUL", { endTime })],
    });
    await assert.rejects(
      new OperationsProvider("export", () => context(s.client)).delete(NAME, stored({ onCancelLost: "fail" })),
      /completed despite the cancel/,
    );
  });
});
