/**
 * What the plugin-mode program tests (yaml.e2e.test.ts, and the Python and Go ones through
 * programs/inline-program-suite.ts) check of one FirestoreExport's life, through the emulator's request log and its
 * Admin API: the same promises, whatever language declares the export.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { waitFor } from "../support/emulator-client";
import type { LoggedRequest, PluginProject } from "../support/plugin-project";

/** What the tests allow the emulator to take to report what they wait for: far more than any timeline here. */
export const LIVE_WAIT_MS = 60_000;
/** How long the CLI may take to end after one SIGINT during a wait (the promise). */
export const CTRL_C_EXIT_MS = 10_000;

/** The export starts the emulator accepted. */
export const exportStarts = (log: LoggedRequest[]) =>
  log.filter((r) => r.endpoint === "exportDocuments" && r.status === 200);

/** The newest request's sequence number: a cursor for "what came after". */
export const lastSeq = async (p: PluginProject) => Math.max(0, ...(await p.requests()).map((r) => r.seq));

/** Waits until the emulator reports work on `id` the stack has not stored (the estimate comes after a tenth of it). */
export async function waitForEstimate(p: PluginProject, id: string): Promise<void> {
  await waitFor(
    () => p.admin("GET", `/v1/${id}`),
    // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
    (op: any) => Number(op.metadata?.progressDocuments?.estimatedWork ?? 0) > 0,
    LIVE_WAIT_MS,
  );
}

/** A resource in state as pluginResources gives it. */
interface StoredExport {
  id: string;
  outputs: Record<string, unknown>;
}

/** A refresh stored newer progress than `stored` had, and printed it on the line of the resource `name`. */
export function assertRefreshedProgress(stored: StoredExport, refreshed: StoredExport, stdout: string, name: string) {
  assert.equal(refreshed.id, stored.id);
  assert.ok(
    Number(refreshed.outputs.documentsCompleted) > Number(stored.outputs.documentsCompleted ?? 0),
    `the refresh stored newer progress: ${refreshed.outputs.documentsCompleted} after ${stored.outputs.documentsCompleted}`,
  );
  const shortId = stored.id.slice(stored.id.lastIndexOf("/") + 1);
  assert.match(stdout, new RegExp(`${name}: ${shortId}: PROCESSING [\\d,]+/[\\d,]+ documents`));
}

/** A replacement: the old export's cancel came before the new one's start, and it ended before the new one began. */
export async function assertReplacedInOrder(p: PluginProject, oldId: string, newId: string): Promise<void> {
  assert.notEqual(newId, oldId);
  const log = await p.requests();
  const cancel = log.find((r) => r.endpoint === "operations.cancel" && r.operation === oldId);
  const start = exportStarts(log).find((r) => r.operation === newId);
  assert.ok(cancel && start && cancel.seq < start.seq, "the old one's cancel came before the new one's start");
  const oldOp = await p.admin("GET", `/v1/${oldId}`);
  const newOp = await p.admin("GET", `/v1/${newId}`);
  assert.equal(oldOp.metadata.operationState, "CANCELLED");
  assert.ok(
    Date.parse(oldOp.metadata.endTime) <= Date.parse(newOp.metadata.startTime),
    `the old one ended (${oldOp.metadata.endTime}) before the new one started (${newOp.metadata.startTime})`,
  );
  assert.equal(exportStarts(log).length, 2, "two exports in all: the first and its replacement");
}

/** A destroy said CANCELLED, and `id` was CANCELLED when it returned. */
export async function assertDestroyCancelled(p: PluginProject, id: string, stdout: string): Promise<void> {
  assert.match(stdout, /CANCELLED/);
  const op = await p.admin("GET", `/v1/${id}`);
  assert.equal(op.metadata.operationState, "CANCELLED", "over when destroy returned");
}

/** Waits until an `up` started after `since` polls the export it started (twice: the wait is under way); its name. */
export async function waitUntilWaitPolls(p: PluginProject, since: number): Promise<string | undefined> {
  const { op } = await waitFor(
    async () => {
      const log = (await p.requests()).filter((r) => r.seq > since);
      const op = exportStarts(log)[0]?.operation;
      const polls = log.filter((r) => r.endpoint === "operations.get" && r.operation === op).length;
      return { op, polls };
    },
    ({ polls }) => polls >= 2,
    LIVE_WAIT_MS,
  );
  return op;
}

/** The CLI ended within CTRL_C_EXIT_MS of the SIGINT sent at `signalledAt`. */
export function assertEndedSoonAfter(t: TestContext, signalledAt: number): void {
  const tookMs = Date.now() - signalledAt;
  t.diagnostic(`the CLI ended ${tookMs} ms after the SIGINT`);
  assert.ok(tookMs <= CTRL_C_EXIT_MS, `the CLI ended ${tookMs} ms after the SIGINT`);
}

/** Ctrl-C stopped the wait, not the operation: `op` runs on, and no cancel was sent. */
export async function assertRunsOnUncancelled(p: PluginProject, op: string | undefined): Promise<void> {
  const live = await p.admin("GET", `/v1/${op}`);
  assert.equal(live.done ?? false, false, "the export runs on: Ctrl-C stops the wait, not the operation");
  assert.ok(
    !(await p.requests()).some((r) => r.endpoint === "operations.cancel" && r.operation === op),
    "no cancel was sent",
  );
}
