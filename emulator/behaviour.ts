import { RETRY_HINTS, type RetryHints } from "./api-error";
import { type BucketProblemSpec, parseBucketProblems } from "./bucket-problems";

/**
 * Behaviour knobs. Where the real service's behaviour is unverified (see docs/emulator.md), the default
 * is our documented choice and a knob plays the other behaviour.
 */

export const FAULT_KINDS = [
  "429", // RESOURCE_EXHAUSTED with Retry-After
  "500", // INTERNAL
  "503", // UNAVAILABLE
  "reset", // connection dropped before any response
  "slow", // answered normally after `slowMs`; not acted on if the client went away meanwhile
  "commit-then-500", // the request takes effect, then the answer is a 500 (ambiguous for POSTs)
  "commit-then-reset", // the request takes effect, then the connection drops
  "commit-then-slow", // the request takes effect (and is logged), then the answer waits `slowMs`
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** The resource methods besides operations (databases.list and patch, backups, fields, indexes): resource-requests.ts. */
export const RESOURCE_ENDPOINTS = [
  "databases.list",
  "databases.patch",
  "backups.get",
  "backups.list",
  "backups.delete",
  "fields.get",
  "fields.list",
  "fields.patch",
  "indexes.list",
  "indexes.get",
  "indexes.delete",
] as const;

/** Every endpoint, as fault injection, limits and the request log name them. */
export const ENDPOINTS = [
  "exportDocuments",
  "importDocuments",
  "bulkDeleteDocuments",
  "createIndex",
  "databases.create",
  "databases.restore",
  "databases.clone",
  "databases.delete",
  "operations.get",
  "operations.list",
  "operations.cancel",
  "operations.delete",
  "databases.get",
  ...RESOURCE_ENDPOINTS,
  "token",
] as const;

export type Endpoint = (typeof ENDPOINTS)[number];

export type DatabaseOperationKind =
  | "createDatabase"
  | "restoreDatabase"
  | "cloneDatabase"
  | "deleteDatabase"
  | "updateDatabase";
export const DATABASE_OPERATION_KINDS: readonly DatabaseOperationKind[] = [
  "createDatabase",
  "restoreDatabase",
  "cloneDatabase",
  "deleteDatabase",
  "updateDatabase",
];
export type DatabaseCancelBehaviour = "refuse" | "ignore" | "cancel";
const DATABASE_CANCEL_BEHAVIOURS: readonly DatabaseCancelBehaviour[] = ["refuse", "ignore", "cancel"];

export interface FaultSettings {
  /** Probability in [0, 1] that a request to a listed endpoint gets a fault. */
  rate: number;
  kinds: FaultKind[];
  /** Endpoints faults apply to; empty means all of them. */
  endpoints: Endpoint[];
  retryAfterSeconds: number;
  slowMs: number;
  /**
   * How many requests to the listed endpoints pass untouched before faults apply, counted from the last patch of
   * `faults`: lets a test hold the second of two requests and act while the first has been answered.
   */
  passFirst: number;
}

export interface Behaviour {
  /** How long an operation runs before it finishes, in ms. */
  operationDurationMs: number;
  /** Time from an accepted cancel to CANCELLED, in ms. */
  cancelLatencyMs: number;
  /** Probability that a cancel loses the race: accepted, but the operation ends SUCCESSFUL. */
  cancelLoseRate: number;
  /** Cancel answers 501 UNIMPLEMENTED (the seed API allows it). */
  cancelUnimplemented: boolean;
  /**
   * How long CANCELLING lasts: exactly cancelLatencyMs ("fixed"), or drawn from the seed per cancel, a log-normal
   * around cancelLatencyMs clamped to [0.25x, 8x] ("seeded"). The real durations are unverified.
   */
  cancelLatencyDistribution: "fixed" | "seeded";
  /**
   * What operations.cancel does to each database operation. "refuse": 400 FAILED_PRECONDITION; "ignore": 200 and
   * the operation runs on; "cancel": as any operation (CANCELLING, then CANCELLED). Restore defaults to "refuse"
   * (documented: "Once a restore operation begins, you cannot cancel the operation"; the answer itself is
   * unverified); the others are unverified and default to the generic LRO contract.
   */
  databaseCancel: Record<DatabaseOperationKind, DatabaseCancelBehaviour>;
  /** Cancelled operations stay in CANCELLING until released through the control API. */
  cancelStuck: boolean;
  /** Cancel on a finished operation: a 200 no-op (default) or 400 FAILED_PRECONDITION. Unverified. */
  cancelDoneBehaviour: "ok" | "failed-precondition";
  /** Delete on a running operation: refused with FAILED_PRECONDITION (default) or hidden. Unverified. */
  deleteRunningBehaviour: "refuse" | "hide";
  /** Documented: list returns only running and failed operations unless the filter mentions `done`. */
  listHidesSuccessful: boolean;
  /** Finished operations are garbage-collected after this long (documented: 30 days). */
  retentionMs: number;
  /** Probability that an operation ends FAILED instead of SUCCESSFUL. */
  failureRate: number;
  /**
   * Export/import limits, documented for Datastore mode: 50 concurrent, 20 requests a minute, counted per project
   * (each project the emulator serves has its own).
   */
  limits: { enabled: boolean; concurrent: number; perMinute: number; hints: RetryHints };
  /**
   * How fast exports, imports and bulk deletes get through their data: each runs operationDurationMs plus its
   * documents at documentsPerSecond plus its bytes at bytesPerSecond (0: that part takes no time). Messy draws a
   * factor per operation from the seed (0.7x to 1.5x). Tidy leaves both 0: every operation lasts
   * operationDurationMs, whatever its size. The real rates are unverified.
   */
  workRate: { documentsPerSecond: number; bytesPerSecond: number };
  faults: FaultSettings;
  /**
   * `messy`: operations pass INITIALIZING → PROCESSING → FINALIZING, estimates are missing early and too low
   * (completed overtakes them) and revised once, drawn per operation from the seed. `tidy` keeps the idealised
   * timeline, but like the service gives no progress in the start reply: an exact estimate comes once a tenth of the
   * work is done (TIDY_ESTIMATE_AFTER in operation.ts).
   */
  profile: "tidy" | "messy";
  /** Buckets the Firestore service agent cannot use, and how Google reports it (emulator/bucket-problems.ts). */
  buckets: Record<string, BucketProblemSpec>;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  operationDurationMs: 60_000,
  cancelLatencyMs: 2_000,
  cancelLoseRate: 0,
  cancelLatencyDistribution: "fixed",
  databaseCancel: {
    createDatabase: "cancel",
    restoreDatabase: "refuse",
    cloneDatabase: "cancel",
    deleteDatabase: "cancel",
    updateDatabase: "cancel",
  },
  cancelUnimplemented: false,
  cancelStuck: false,
  cancelDoneBehaviour: "ok",
  deleteRunningBehaviour: "refuse",
  listHidesSuccessful: true,
  retentionMs: 30 * 24 * 3600 * 1000,
  failureRate: 0,
  limits: { enabled: false, concurrent: 50, perMinute: 20, hints: "both" },
  workRate: { documentsPerSecond: 0, bytesPerSecond: 0 },
  faults: {
    rate: 0,
    kinds: ["429", "500", "503", "reset", "slow"],
    endpoints: [],
    retryAfterSeconds: 1,
    slowMs: 1_500,
    passFirst: 0,
  },
  profile: "tidy",
  buckets: {},
};

export type BehaviourPatch = Partial<
  Omit<Behaviour, "limits" | "faults" | "buckets" | "databaseCancel" | "workRate">
> & {
  buckets?: Record<string, Partial<BucketProblemSpec> & Pick<BucketProblemSpec, "problem">>;
  limits?: Partial<Behaviour["limits"]>;
  workRate?: Partial<Behaviour["workRate"]>;
  databaseCancel?: Partial<Behaviour["databaseCancel"]>;
  faults?: Partial<FaultSettings>;
};

/** Merges a patch, validating every field so a typo in a test fails loudly instead of being ignored. */
export function applyBehaviourPatch(base: Behaviour, patch: unknown): Behaviour {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new TypeError("behaviour patch must be a JSON object");
  }
  const next: Behaviour = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case "operationDurationMs":
      case "cancelLatencyMs":
      case "retentionMs":
        next[key] = nonNegativeNumber(key, value);
        break;
      case "cancelLoseRate":
      case "failureRate":
        next[key] = probability(key, value);
        break;
      case "cancelUnimplemented":
      case "cancelStuck":
      case "listHidesSuccessful":
        next[key] = boolean(key, value);
        break;
      case "cancelDoneBehaviour":
        next[key] = oneOf(key, value, ["ok", "failed-precondition"] as const);
        break;
      case "deleteRunningBehaviour":
        next[key] = oneOf(key, value, ["refuse", "hide"] as const);
        break;
      case "profile":
        next[key] = oneOf(key, value, ["tidy", "messy"] as const);
        break;
      case "cancelLatencyDistribution":
        next[key] = oneOf(key, value, ["fixed", "seeded"] as const);
        break;
      case "databaseCancel":
        for (const [kind, v] of Object.entries(record(key, value))) {
          const k = oneOf("databaseCancel key", kind, DATABASE_OPERATION_KINDS);
          next.databaseCancel[k] = oneOf(`databaseCancel.${k}`, v, DATABASE_CANCEL_BEHAVIOURS);
        }
        break;
      case "limits":
        next.limits = mergeLimits(next.limits, value);
        break;
      case "workRate":
        for (const [rate, v] of Object.entries(record(key, value))) {
          const k = oneOf("workRate key", rate, ["documentsPerSecond", "bytesPerSecond"] as const);
          next.workRate[k] = nonNegativeNumber(`workRate.${k}`, v);
        }
        break;
      case "faults":
        next.faults = mergeFaults(next.faults, value);
        break;
      case "buckets":
        // Replaces the whole map: `{}` clears every bucket problem.
        next.buckets = parseBucketProblems(value);
        break;
      default:
        throw new TypeError(`unknown behaviour knob "${key}"`);
    }
  }
  return next;
}

/**
 * What `--profile messy` turns on besides the profile itself: the export/import limits (per project), durations
 * that grow with the data, seeded CANCELLING durations and cancels that sometimes lose the race (the operation
 * ends SUCCESSFUL after the cancel was accepted). It is the realistic profile: everything harder at once.
 */
export const MESSY_PROFILE_PATCH: BehaviourPatch = {
  profile: "messy",
  limits: { enabled: true },
  workRate: { documentsPerSecond: 20_000, bytesPerSecond: 20_000_000 },
  cancelLatencyDistribution: "seeded",
  cancelLoseRate: 0.15,
};

function mergeLimits(base: Behaviour["limits"], value: unknown): Behaviour["limits"] {
  const out = { ...base };
  for (const [key, v] of Object.entries(record("limits", value))) {
    if (key === "enabled") out.enabled = boolean("limits.enabled", v);
    else if (key === "concurrent" || key === "perMinute") out[key] = nonNegativeNumber(`limits.${key}`, v);
    else if (key === "hints") out.hints = oneOf("limits.hints", v, RETRY_HINTS);
    else throw new TypeError(`unknown behaviour knob "limits.${key}"`);
  }
  return out;
}

function mergeFaults(base: FaultSettings, value: unknown): FaultSettings {
  const out = { ...base };
  for (const [key, v] of Object.entries(record("faults", value))) {
    switch (key) {
      case "rate":
        out.rate = probability("faults.rate", v);
        break;
      case "retryAfterSeconds":
      case "slowMs":
      case "passFirst":
        out[key] = nonNegativeNumber(`faults.${key}`, v);
        break;
      case "kinds":
        out.kinds = list("faults.kinds", v).map((k) => oneOf("faults.kinds[]", k, FAULT_KINDS));
        break;
      case "endpoints":
        out.endpoints = list("faults.endpoints", v).map((e) => oneOf("faults.endpoints[]", e, ENDPOINTS));
        break;
      default:
        throw new TypeError(`unknown behaviour knob "faults.${key}"`);
    }
  }
  return out;
}

function record(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

function list(name: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array`);
  return value;
}

function nonNegativeNumber(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a finite number >= 0`);
  }
  return value;
}

function probability(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new TypeError(`${name} must be a number between 0 and 1`);
  }
  return value;
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be true or false`);
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new TypeError(`${name} must be one of ${allowed.join(", ")}`);
  }
  return value as T;
}
