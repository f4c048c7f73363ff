import type { CallOptions, FirestoreAdminClient } from "./admin-client";
import { sleep } from "./backoff";
import { AmbiguousStartError } from "./errors";
import { METADATA_TYPE, type StartRequest } from "./kinds";
import type { OperationView } from "./operation-view";

/** Clock skew we tolerate between this machine and the server when matching start times. */
const SKEW_MS = 10_000;
/** List lookups after an ambiguous failure: the new operation may take a moment to be listed. */
const LOOKUPS = [0, 1_000, 3_000];

/**
 * After a POST failed ambiguously (no response, a timeout, a 5xx), finds the operation it may have
 * started: same type, same request, started while we were sending. Exactly one match is adopted; none
 * means nothing started; several means we cannot tell which is ours, and we say so rather than guess.
 */
export async function findStartedOperation(
  client: FirestoreAdminClient,
  database: string,
  request: StartRequest,
  sentAtMs: number,
  cause: Error,
  options: CallOptions = {},
): Promise<OperationView> {
  let matches: OperationView[] = [];
  try {
    for (const wait of LOOKUPS) {
      await sleep(wait, options.signal);
      const seen = new Map<string, OperationView>();
      for (const filter of ["done=false", "done=true"]) {
        for (const op of await client.list(database, filter, options)) seen.set(op.name, op);
      }
      matches = [...seen.values()].filter((op) => isMatch(op, request, sentAtMs, Date.now()));
      if (matches.length > 0) break;
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    // Cut short: we cannot say that nothing started.
    throw new AmbiguousStartError(
      `${cause.message}. Looking for the operation it may have started did not finish (${(error as Error).message}), so it may have started: check with "firestore-ops list --database ${database}" before running the update again.`,
      [],
    );
  }
  if (matches.length === 1) return matches[0] as OperationView;
  if (matches.length === 0) {
    throw new AmbiguousStartError(
      `${cause.message}. No ${request.method} operation matching this request was found afterwards, so none was started; run the update again.`,
      [],
    );
  }
  const names = matches.map((m) => m.name);
  throw new AmbiguousStartError(
    `${cause.message}. ${matches.length} operations match this request and it is impossible to tell which one this resource started: ${names.join(", ")}. Adopt the right one with a FirestoreOperation resource (or cancel the extras with "firestore-ops cancel").`,
    names,
  );
}

function isMatch(op: OperationView, request: StartRequest, sentAtMs: number, nowMs: number): boolean {
  if (op.metadataType !== METADATA_TYPE[request.method]) return false;
  const started = op.startTime ? Date.parse(op.startTime) : Number.NaN;
  if (!(started >= sentAtMs - SKEW_MS && started <= nowMs + SKEW_MS)) return false;
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
