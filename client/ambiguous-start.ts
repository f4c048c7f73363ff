import type {
  BulkDeleteBody,
  CallOptions,
  ExportBody,
  FirestoreAdminClient,
  ImportBody,
  ListScan,
  StartMethod,
} from "./admin-client";
import { CLOCK_SKEW_ALLOWANCE_MS } from "./cancel-request";
import { sleep } from "./clock";
import { AmbiguousStartError } from "./errors";
import { METADATA_TYPE } from "./operation-types";
import type { OperationView } from "./operation-view";

/** One start POST: the method and its body. */
export interface StartRequest {
  method: StartMethod;
  body: ExportBody | ImportBody | BulkDeleteBody;
}

/**
 * How the start path's messages speak to the caller's user: the provider of resources and updates, the CLI of
 * commands. Each is a phrase that completes a sentence of ours.
 */
export interface StartWording {
  /** Who sent the request: "this resource", "this command". */
  starter: string;
  /** How to try again: "run the update again". */
  rerun: string;
  /** How to give the start more time: "raise timeouts.create". */
  moreTime: string;
  /** Besides a cancel, what settles an operation that may be ours, for NAME(s): "adopt it with ...". */
  settle: (names: string) => string;
}

/** Lookups after an ambiguous failure: a new operation may take a moment to be listed. */
const LOOKUPS = [0, 1_000, 3_000];
/**
 * A server `Date` is whole seconds, rounded down; allow that and a little more after the window. Before it, the
 * rounding needs no allowance: it only makes the offset we compute from `Date` earlier than the real one, so an
 * operation our POST started is never dated before `fromMs` plus that offset. Only the server's own machines'
 * clocks may differ a little; a wider margin would adopt someone else's identical operation started just before.
 */
const SERVER_DATE_SLACK_MS = 2_000;
const SERVER_CLOCKS_MS = 250;

/** When our POST may have reached the server, on our clock. */
export interface SendWindow {
  fromMs: number;
  toMs: number;
}

/**
 * After a start POST whose outcome is unknown (no answer, a timeout, a 5xx, an unreadable success, or a run
 * that died while it was in flight), finds the operation it may have started: same type, same request, and a
 * start the server dates inside the window in which our POST was on its way. Unfinished operations are looked
 * at first. Exactly one match is adopted; none means nothing started; several, a list that failed or a list
 * cut short by its page cap mean we cannot tell, and the error says that an operation may be running and names
 * the candidates, rather than guess. `lookups` are the pauses before each look (listing can lag a fresh start).
 */
export async function findStartedOperation(
  client: FirestoreAdminClient,
  database: string,
  request: StartRequest,
  window: SendWindow,
  cause: string,
  wording: StartWording,
  lookups: readonly number[] = LOOKUPS,
  options: CallOptions = {},
): Promise<OperationView | undefined> {
  for (const wait of lookups) {
    try {
      await sleep(wait, options.signal, client.clock);
    } catch (error) {
      // Cut short by the deadline: we cannot say that nothing started.
      throw new AmbiguousStartError(
        `${cause}. Looking for the operation it may have started did not finish (${(error as Error)?.message ?? "deadline passed"}), so an operation may be running. ${howToResolve([], database, wording)}`,
        [],
      );
    }
    for (const filter of ["done=false", "done=true"]) {
      const scan = await scanOrExplain(client, database, filter, request, cause, wording, options);
      const matches = scan.operations.filter((op) => matchesRequest(op, request) && startedWithin(op, window, scan));
      if (!scan.complete) {
        throw new AmbiguousStartError(
          `${cause}. The operations list (${filter}) has more pages than are read, so the operation this request may have started could not be looked for: a ${request.method} operation may be running. ${howToResolve([], database, wording)}`,
          [],
        );
      }
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) {
        const names = matches.map((m) => m.name);
        throw new AmbiguousStartError(
          `${cause}. ${matches.length} ${request.method} operations match this request and started while it was being sent, so it is impossible to tell which one ${wording.starter} started: ${names.join(", ")}. ${howToResolve(names, database, wording)}`,
          names,
        );
      }
    }
  }
  return undefined;
}

/**
 * Unfinished operations that look like the request (same type and request fields, any start time): not proof of
 * anything, but what a user must hear about before a new start, when an earlier run may have started one.
 */
export async function runningLookalikes(
  client: FirestoreAdminClient,
  database: string,
  request: StartRequest,
  options: CallOptions = {},
): Promise<OperationView[]> {
  const scan = await client.scan(database, "done=false", options);
  return scan.operations.filter((op) => matchesRequest(op, request));
}

async function scanOrExplain(
  client: FirestoreAdminClient,
  database: string,
  filter: string,
  request: StartRequest,
  cause: string,
  wording: StartWording,
  options: CallOptions,
): Promise<ListScan> {
  try {
    return await client.scan(database, filter, options);
  } catch (error) {
    throw new AmbiguousStartError(
      `${cause}. Looking for the operation it may have started failed (${(error as Error).message}): a ${request.method} operation may be running. ${howToResolve([], database, wording)}`,
      [],
    );
  }
}

function howToResolve(names: string[], database: string, wording: StartWording): string {
  const named = names.length > 0 ? names.join(" ") : "NAME";
  return `See what runs with "firestore-ops list --database ${database}"; cancel an unwanted one with "firestore-ops cancel ${named} --wait" or ${wording.settle(named)}.`;
}

/** Whether the server dates the operation's start inside the window, read on its clock when it sent one. */
function startedWithin(op: OperationView, window: SendWindow, scan: ListScan): boolean {
  const started = op.startTime ? Date.parse(op.startTime) : Number.NaN;
  if (!Number.isFinite(started)) return false;
  const offset = scan.serverTime ? scan.serverTime.serverMs - scan.serverTime.localMs : 0;
  const before = scan.serverTime ? SERVER_CLOCKS_MS : CLOCK_SKEW_ALLOWANCE_MS;
  const after = scan.serverTime ? SERVER_DATE_SLACK_MS : CLOCK_SKEW_ALLOWANCE_MS;
  return started >= window.fromMs + offset - before && started <= window.toMs + offset + after;
}

/** Same type and the same request fields, as the operation's metadata echoes them. */
export function matchesRequest(op: OperationView, request: StartRequest): boolean {
  if (op.metadataType !== METADATA_TYPE[request.method]) return false;
  const body = request.body as {
    collectionIds?: string[];
    namespaceIds?: string[];
    outputUriPrefix?: string;
    inputUriPrefix?: string;
    snapshotTime?: string;
  };
  if (!sameSet(op.request.collectionIds, body.collectionIds ?? [])) return false;
  if (!sameSet(op.request.namespaceIds, body.namespaceIds ?? [])) return false;
  if (body.inputUriPrefix !== undefined && op.request.inputUriPrefix !== body.inputUriPrefix) return false;
  if (body.snapshotTime !== undefined && Date.parse(op.request.snapshotTime ?? "") !== Date.parse(body.snapshotTime))
    return false;
  if (body.outputUriPrefix !== undefined) {
    const actual = op.request.outputUriPrefix ?? "";
    const bucketOnly = /^gs:\/\/[^/]+$/.test(body.outputUriPrefix);
    // A bucket-only prefix comes back with a generated `YYYY-MM-DDTHH:MM:SS_NNNNN` folder.
    const expected = bucketOnly
      ? new RegExp(`^${escapeRegExp(body.outputUriPrefix)}/\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}_\\d{5}$`)
      : new RegExp(`^${escapeRegExp(body.outputUriPrefix)}$`);
    if (!expected.test(actual)) return false;
  }
  return true;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
