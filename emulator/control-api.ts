import { ApiError, invalidArgument } from "./api-error";
import type { Authenticator } from "./auth";
import { BACKUP_STATES, type BackupState, checkBackupName, renderBackup } from "./backups";
import type { Behaviour, BehaviourPatch } from "./behaviour";
import { DEFAULT_COLLECTIONS, isDatabaseName, seedDatabase } from "./dataset";
import type { FaultInjector } from "./fault-injector";
import { bucketNameProblem } from "./gs-uri";
import type { ObjectStore } from "./object-store";
import { operationName } from "./operation";
import type { OperationStore } from "./operation-store";
import type { RequestLog } from "./request-log";

/** Where the control API lives; everything under it is routed here, never to the Admin API. */
export const CONTROL_PREFIX = "/emulator/v1/";

/** The parts of the emulator the control API reads and changes. */
export interface ControlTarget {
  readonly behaviour: Behaviour;
  setBehaviour(patch: BehaviourPatch): Behaviour;
  readonly store: OperationStore;
  readonly auth: Authenticator;
  readonly log: RequestLog;
  readonly faults: FaultInjector;
  readonly objects: ObjectStore;
  /** The emulator's base URL, which issued keys name as their token endpoint. */
  readonly url: string;
  readonly options: { readonly seed?: number };
}

export interface ControlReply {
  status: number;
  body: unknown;
}

interface ControlRequest {
  /** The route's capture groups, from the decoded path. */
  params: string[];
  url: URL;
  /** The JSON body, read only by the handlers that take one. */
  body: () => Promise<unknown>;
}

interface ControlRoute {
  /** "*": any method. */
  method: string;
  /** Matched against the percent-decoded path after the prefix. */
  pattern: RegExp;
  handle: (target: ControlTarget, request: ControlRequest) => ControlReply | Promise<ControlReply>;
}

const ok = (body: unknown): ControlReply => ({ status: 200, body });

const CONTROL_ROUTES: readonly ControlRoute[] = [
  { method: "*", pattern: /^health$/, handle: () => ok({ ok: true }) },
  { method: "GET", pattern: /^behaviour$/, handle: (target) => ok(target.behaviour) },
  { method: "PATCH", pattern: /^behaviour$/, handle: patchBehaviour },
  { method: "POST", pattern: /^faults\/seed$/, handle: reseedFaults },
  { method: "GET", pattern: /^requests$/, handle: listRequests },
  {
    method: "DELETE",
    pattern: /^requests$/,
    handle: (target) => {
      target.log.clear();
      return ok({});
    },
  },
  {
    method: "GET",
    pattern: /^stats$/,
    handle: (target) => ok({ faultsInjected: target.faults.injected, operations: target.store.operations.size }),
  },
  { method: "GET", pattern: /^operations$/, handle: listAllOperations },
  { method: "POST", pattern: /^serviceAccountKeys$/, handle: issueServiceAccountKey },
  { method: "POST", pattern: /^databases$/, handle: createDatabase },
  { method: "POST", pattern: /^backups$/, handle: createBackup },
  {
    method: "GET",
    pattern: /^(projects\/[^/]+\/databases\/[^/]+)\/documents$/,
    handle: (target, { params }) => ok({ collections: target.store.documentCounts(params[0] as string) }),
  },
  { method: "GET", pattern: /^storage\/([^/]+)$/, handle: listBucket },
  {
    method: "POST",
    pattern: /^(projects\/[^/]+\/databases\/[^/]+\/operations\/[^/:]+):finish$/,
    handle: finishOperation,
  },
];

/**
 * Answers a control request (unauthenticated, loopback only): knobs, logs, storage and test helpers.
 * Throws ApiError for the client's mistakes, a route it does not know included (404, whatever the method).
 */
export async function handleControl(
  target: ControlTarget,
  method: string,
  url: URL,
  readJson: () => Promise<unknown>,
): Promise<ControlReply> {
  const route = decodeRoute(url.pathname.slice(CONTROL_PREFIX.length));
  for (const candidate of CONTROL_ROUTES) {
    if (candidate.method !== "*" && candidate.method !== method) continue;
    const match = candidate.pattern.exec(route);
    if (match) return candidate.handle(target, { params: match.slice(1), url, body: readJson });
  }
  throw new ApiError("NOT_FOUND", `No control route ${method} ${CONTROL_PREFIX}${route}`);
}

/** Percent-decoding of a control route; malformed escapes are the client's error (400), not ours. */
function decodeRoute(route: string): string {
  try {
    return decodeURIComponent(route);
  } catch {
    throw new ApiError("INVALID_ARGUMENT", "Invalid percent-encoding in the request path.", {
      reason: "INVALID_PATH",
    });
  }
}

async function patchBehaviour(target: ControlTarget, { body }: ControlRequest): Promise<ControlReply> {
  // A body that is not JSON keeps its own error; only a refused patch becomes INVALID_ARGUMENT here.
  const patch = await body();
  try {
    return ok(target.setBehaviour((patch ?? {}) as BehaviourPatch));
  } catch (error) {
    throw new ApiError("INVALID_ARGUMENT", (error as Error).message);
  }
}

async function reseedFaults(target: ControlTarget, { body }: ControlRequest): Promise<ControlReply> {
  const { seed } = ((await body()) ?? {}) as { seed?: unknown };
  if (typeof seed !== "number") throw new ApiError("INVALID_ARGUMENT", "seed must be a number");
  target.faults.reseed(seed);
  return ok({});
}

function listRequests(target: ControlTarget, { url }: ControlRequest): ControlReply {
  const since = Number(url.searchParams.get("since") ?? 0);
  if (!Number.isSafeInteger(since) || since < 0) {
    throw invalidArgument("since", "since must be a non-negative integer (a request log sequence number).");
  }
  return ok({ requests: target.log.since(since) });
}

/** Every operation, including deleted ones: what tests use to count orphans and duplicates. */
function listAllOperations(target: ControlTarget): ControlReply {
  const operations = [...target.store.operations.values()].map((op) => {
    const name = operationName(op);
    const phase = op.deleted ? undefined : target.store.get(name).phase;
    return {
      name,
      kind: op.kind,
      createdMs: op.createdMs,
      // With a work rate, longer than the behaviour's operationDurationMs: tests step the clock by it.
      durationMs: op.durationMs,
      state: phase?.state ?? op.final?.state ?? "DELETED",
      done: phase?.done ?? true,
      cancelRequested: op.cancel !== undefined,
      deleted: op.deleted === true,
      request: op.request,
      // The messy profile's draw, so tests can step the clock to each stage.
      ...(op.messy ? { messy: op.messy } : {}),
    };
  });
  return ok({ operations });
}

async function issueServiceAccountKey(target: ControlTarget, { body }: ControlRequest): Promise<ControlReply> {
  const { projectId, accountId } = ((await body()) ?? {}) as { projectId?: unknown; accountId?: unknown };
  if (projectId !== undefined && (typeof projectId !== "string" || !/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(projectId))) {
    throw invalidArgument("projectId", "projectId must be a project id: lowercase letters, digits and hyphens.");
  }
  if (accountId !== undefined && (typeof accountId !== "string" || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(accountId))) {
    throw invalidArgument("accountId", "accountId must be 6-30 lowercase letters, digits and hyphens.");
  }
  return ok(target.auth.createServiceAccountKey(projectId ?? "demo-project", `${target.url}/token`, accountId));
}

async function createDatabase(target: ControlTarget, { body }: ControlRequest): Promise<ControlReply> {
  const spec = ((await body()) ?? {}) as {
    name?: string;
    collections?: Record<string, number>;
    pointInTimeRecovery?: boolean;
  };
  if (typeof spec.name !== "string" || !isDatabaseName(spec.name)) {
    throw invalidArgument("name", "name must be a database name projects/P/databases/D");
  }
  const counts = spec.collections === undefined ? {} : spec.collections;
  if (
    typeof counts !== "object" ||
    counts === null ||
    Object.entries(counts).some(([id, n]) => !/^[A-Za-z_][\w-]{0,1499}$/.test(id) || !Number.isSafeInteger(n) || n < 0)
  ) {
    throw invalidArgument(
      "collections",
      "collections must map collection ids to document counts (whole numbers >= 0).",
    );
  }
  const db = seedDatabase(
    spec.name,
    spec.collections ?? DEFAULT_COLLECTIONS,
    target.options.seed ?? 1,
    spec.pointInTimeRecovery,
  );
  target.store.addDatabase(db);
  return ok(db);
}

/** Seeds a backup of a database's documents as they are now: `{name, database, state?}` (state: READY). */
async function createBackup(target: ControlTarget, { body }: ControlRequest): Promise<ControlReply> {
  const spec = ((await body()) ?? {}) as { name?: unknown; database?: unknown; state?: unknown };
  const name = checkBackupName(spec.name);
  if (typeof spec.database !== "string" || !isDatabaseName(spec.database)) {
    throw invalidArgument("database", "database must be a database name projects/P/databases/D");
  }
  if (name.split("/")[1] !== spec.database.split("/")[1]) {
    throw invalidArgument("database", "A backup is of a database of its own project.");
  }
  if (spec.state !== undefined && !BACKUP_STATES.includes(spec.state as BackupState)) {
    throw invalidArgument("state", `state must be one of ${BACKUP_STATES.join(", ")}`);
  }
  return ok(renderBackup(target.store.addBackup(name, spec.database, (spec.state as BackupState) ?? "READY")));
}

function listBucket(target: ControlTarget, { params, url }: ControlRequest): ControlReply {
  const bucket = params[0] as string;
  const problem = bucketNameProblem(bucket);
  if (problem) throw invalidArgument("bucket", `${problem}.`);
  return ok({ objects: target.objects.list(bucket, url.searchParams.get("prefix") ?? "") });
}

async function finishOperation(target: ControlTarget, { params, body }: ControlRequest): Promise<ControlReply> {
  const spec = ((await body()) ?? {}) as { state?: string; error?: { code: number; message: string } };
  if (spec.state !== "SUCCESSFUL" && spec.state !== "FAILED" && spec.state !== "CANCELLED") {
    throw new ApiError("INVALID_ARGUMENT", "state must be SUCCESSFUL, FAILED or CANCELLED");
  }
  return ok(target.store.finish(params[0] as string, spec.state, spec.error));
}
