import { afterEach } from "node:test";
import type { FirestoreAdminClient } from "../../client/admin-client";
import { ApiRequestError } from "../../client/errors";
import { type OperationView, parseOperation } from "../../client/operation-view";
import { steppedClock } from "./stepped-clock";

export const DB = "projects/demo-project/databases/(default)";
export const NAME = `${DB}/operations/AS-verdict`;

/** An Operation as the API sends it, in a given state. */
export function operationJson(state: string, extra: { endTime?: string; type?: string } = {}): unknown {
  const done = ["SUCCESSFUL", "FAILED", "CANCELLED"].includes(state);
  return {
    name: NAME,
    done,
    metadata: {
      "@type": `type.googleapis.com/google.firestore.admin.v1.${extra.type ?? "ExportDocumentsMetadata"}`,
      operationState: state,
      startTime: "2026-12-01T00:00:00Z",
      ...(extra.endTime ? { endTime: extra.endTime } : done ? { endTime: "2026-12-01T00:01:00Z" } : {}),
      outputUriPrefix: "gs://bkt/x",
    },
    ...(done && state !== "SUCCESSFUL" ? { error: { code: state === "CANCELLED" ? 1 : 13, message: state } } : {}),
  };
}

export const apiError = (httpStatus: number, status: string, options: { retryAfterMs?: number } = {}) =>
  new ApiRequestError(`${status} (${httpStatus})`, {
    httpStatus: httpStatus,
    status: status,
    ambiguous: false,
    ...(options.retryAfterMs === undefined
      ? {}
      : { retryHint: { ms: options.retryAfterMs, said: `RetryInfo retryDelay "${options.retryAfterMs / 1000}s"` } }),
  });

/** What each script made in the running test left over: checked, and forgotten, after every test. */
const leftovers: (() => string[])[] = [];

// Registered when a test file imports this module, so it runs after every test of that file, nested ones included:
// a script's answer that no call took, or a call that found no answer, fails the test that made the script. The
// code under test may swallow the "unscripted" error (a read that fails never fails a diff), so it is counted here.
afterEach(() => {
  const problems = leftovers.splice(0).flatMap((check) => check());
  if (problems.length > 0) throw new Error(`scripted client: ${problems.join("; ")}`);
});

/**
 * A FirestoreAdminClient without a server: each call takes the next answer scripted for its method (a value, or an
 * error to throw) and is logged, so a test asserts the exact requests a decision made. No sockets, no sleeps: its
 * clock fast-forwards through every wait, and `clock.slept` says how long each was.
 * After each test, every answer must have been taken and every call answered (a script never reached proves
 * nothing), so a test need not check that itself.
 */
export function scriptedClient(script: {
  get?: (OperationView | unknown | Error)[];
  cancel?: ({ serverTimeMs?: number } | Error)[];
  getDatabase?: (unknown | Error)[];
}) {
  const clock = steppedClock({ startMs: Date.now(), fastForward: true });
  const calls: string[] = [];
  const unscripted: string[] = [];
  const next = <T>(method: keyof typeof script, queue: T[] | undefined): T => {
    calls.push(method);
    const answer = queue?.shift();
    if (answer === undefined) {
      const problem = `unscripted ${method} (calls so far: ${calls.join(", ")})`;
      unscripted.push(problem);
      throw new Error(problem);
    }
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const client = {
    get: async (name: string) => {
      const answer = next("get", script.get);
      return (answer as OperationView).metadataType !== undefined ? answer : parseOperation(answer, name);
    },
    cancel: async () => next("cancel", script.cancel),
    getDatabase: async () => next("getDatabase", script.getDatabase),
    clock,
  } as unknown as FirestoreAdminClient;
  /** The scripted answers no call took, as "method xN". */
  const unused = () =>
    Object.entries(script).flatMap(([method, queue]) =>
      (queue?.length ?? 0) > 0 ? [`${method} x${queue?.length}`] : [],
    );
  leftovers.push(() => [...unused().map((left) => `${left} scripted but never called`), ...unscripted]);
  return { client, calls, unused, clock };
}
