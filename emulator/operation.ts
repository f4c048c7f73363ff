import type { CollectionStats } from "./dataset";
import { type FieldChange, fieldDeltas, renderField } from "./fields";
import { adminTypeUrl, EMPTY_TYPE_URL, metadataTypeUrl } from "./metadata-types";
import type { IndexRequest } from "./requests";
import { type OperationState, progress, timestamp } from "./wire-format";

/** What an operation is about. */
export type OperationKind =
  | "export"
  | "import"
  | "bulkDelete"
  | "index"
  | "createDatabase"
  | "restoreDatabase"
  | "cloneDatabase"
  | "deleteDatabase"
  | "updateDatabase"
  | "fieldUpdate";

/** Every kind, each once: what a persisted record's kind is checked against. */
export const OPERATION_KINDS: readonly OperationKind[] = Object.keys({
  export: true,
  import: true,
  bulkDelete: true,
  index: true,
  createDatabase: true,
  restoreDatabase: true,
  cloneDatabase: true,
  deleteDatabase: true,
  updateDatabase: true,
  fieldUpdate: true,
} satisfies Record<OperationKind, true>) as OperationKind[];

/** Operations on a whole database: their metadata carries no document progress (restore and clone: a percentage). */
export function isDatabaseOperation(kind: OperationKind): boolean {
  return (
    kind === "createDatabase" ||
    kind === "restoreDatabase" ||
    kind === "cloneDatabase" ||
    kind === "deleteDatabase" ||
    kind === "updateDatabase"
  );
}

export type TerminalState = "SUCCESSFUL" | "FAILED" | "CANCELLED";

export interface RpcStatus {
  code: number;
  message: string;
}

/**
 * Everything needed to recompute an operation's state at any instant. State advances lazily from the
 * clock, so a restart (with --data-dir) resumes exactly where the timeline says it should be.
 */
export interface OperationRecord {
  id: string;
  /** `projects/P/databases/D` */
  database: string;
  kind: OperationKind;
  createdMs: number;
  durationMs: number;
  request: {
    collectionIds: string[];
    namespaceIds: string[];
    /** Resolved (with the generated folder when the request named only a bucket). */
    outputUriPrefix?: string;
    inputUriPrefix?: string;
    snapshotTime?: string;
    /** Index operations: the index resource name. */
    index?: string;
    /** Index operations: the definition, echoed by the finished Index (absent in records of older versions). */
    indexSpec?: IndexRequest;
    /** Restore: the backup restored from. */
    backup?: string;
    /** Clone: the source database and the minute cloned. */
    pitrSnapshot?: { database: string; snapshotTime: string };
    /** Database operations: the google.firestore.admin.v1.Database the operation answers with when it succeeds. */
    databaseResponse?: Record<string, unknown>;
    /** databases.patch: the changes, applied to the database when the operation succeeds. */
    databaseUpdate?: { deleteProtection?: boolean; pointInTimeRecovery?: boolean };
    /** fields.patch: the field and the configuration it has once the operation succeeds. */
    field?: FieldChange;
  };
  /** Work to do, per collection group. */
  totals: Record<string, CollectionStats>;
  /** How the operation ends if nobody cancels it. */
  outcome: { kind: "success" } | { kind: "failure"; error: RpcStatus; atFraction: number };
  cancel?: {
    requestedMs: number;
    /** null: stuck in CANCELLING until released. */
    completesMs: number | null;
    /** The cancel was accepted but the operation finishes anyway. */
    losesRace: boolean;
  };
  final?: { state: TerminalState; endMs: number; fraction: number; error?: RpcStatus };
  /** Documents processed so far, per collection (side effects already applied). */
  applied: Record<string, number>;
  /** Export data files written so far. */
  chunksWritten: number;
  /** Hidden by operations.delete. */
  deleted?: boolean;
  /** Index operations: the index was deleted by indexes.delete (the operation itself stays listed). */
  indexDeleted?: boolean;
  /** The messy profile's draw for this operation (fractions of durationMs / of the work); absent when tidy. */
  messy?: MessyTimeline;
}

export interface MessyTimeline {
  /** Share of the run spent INITIALIZING (no work done) and FINALIZING (all work done, not yet finished). */
  initializing: number;
  finalizing: number;
  /** No estimate is sent until this fraction of the work is done. */
  estimateAfter: number;
  /** The estimate is this share of the real total, so completed overtakes it near the end. */
  estimateRatio: number;
}

export interface OperationPhase {
  state: OperationState;
  done: boolean;
  /** Fraction of the work done, in [0, 1]. */
  fraction: number;
  endMs?: number;
  error?: RpcStatus;
}

export function operationName(op: OperationRecord): string {
  return `${op.database}/operations/${op.id}`;
}

function elapsedAt(op: OperationRecord, t: number): number {
  if (op.durationMs <= 0) return 1;
  return Math.min(1, Math.max(0, (t - op.createdMs) / op.durationMs));
}

/** Work done at `t`: with a messy timeline none while initializing and all of it once finalizing. */
function fractionAt(op: OperationRecord, t: number): number {
  const elapsed = elapsedAt(op, t);
  const m = op.messy;
  if (!m) return elapsed;
  const working = 1 - m.initializing - m.finalizing;
  return working <= 0 ? 1 : Math.min(1, Math.max(0, (elapsed - m.initializing) / working));
}

function runningState(op: OperationRecord, t: number): OperationState {
  const m = op.messy;
  if (!m) return "PROCESSING";
  const elapsed = elapsedAt(op, t);
  if (elapsed < m.initializing) return "INITIALIZING";
  return elapsed >= 1 - m.finalizing ? "FINALIZING" : "PROCESSING";
}

/** The operation's state at `now`, derived from its record. Pure. */
export function evaluate(op: OperationRecord, now: number): OperationPhase {
  if (op.final) {
    const { state, endMs, fraction, error } = op.final;
    return { state, done: true, fraction, endMs, ...(error ? { error } : {}) };
  }
  const failing = op.outcome.kind === "failure" ? op.outcome : undefined;
  const naturalEnd = op.createdMs + op.durationMs * (failing ? failing.atFraction : 1);
  const cancel = op.cancel;
  const cancelEnd =
    cancel && !cancel.losesRace && cancel.completesMs !== null
      ? Math.max(cancel.completesMs, cancel.requestedMs)
      : Number.POSITIVE_INFINITY;
  const stuck = cancel !== undefined && !cancel.losesRace && cancel.completesMs === null;

  if (cancelEnd <= naturalEnd && now >= cancelEnd) {
    return {
      state: "CANCELLED",
      done: true,
      fraction: fractionAt(op, cancelEnd),
      endMs: cancelEnd,
      error: { code: 1, message: "The operation was cancelled." },
    };
  }
  if (!stuck && now >= naturalEnd) {
    if (failing) {
      // A messy timeline maps time to work non-linearly: report the work done when the failure struck.
      const fraction = op.messy ? fractionAt(op, naturalEnd) : failing.atFraction;
      return { state: "FAILED", done: true, fraction, endMs: naturalEnd, error: failing.error };
    }
    return { state: "SUCCESSFUL", done: true, fraction: 1, endMs: naturalEnd };
  }
  // A stuck cancel freezes just short of the end: the work never completes.
  const fraction = stuck ? Math.min(fractionAt(op, now), 0.99) : fractionAt(op, now);
  return { state: cancel ? "CANCELLING" : runningState(op, now), done: false, fraction };
}

export interface RenderOptions {
  /** `$alt=json;enum-encoding=int`: Google's Node REST transport asks for enums as numbers. */
  enumsAsNumbers: boolean;
}

/** Totals of work for progressDocuments / progressBytes. */
export function workTotals(op: OperationRecord): { documents: number; bytes: number } {
  let documents = 0;
  let bytes = 0;
  for (const stats of Object.values(op.totals)) {
    documents += stats.documents;
    bytes += stats.documents * stats.bytesPerDocument;
  }
  return { documents, bytes };
}

/** Tidy profile: the first estimate comes once this share of the work is done, and it is exact. */
export const TIDY_ESTIMATE_AFTER = 0.1;

/**
 * The estimate as a share of the real total, or undefined while the service has none (no estimate comes with the
 * start: the POST reply carries no progress at all). Messy: late and low, revised upwards once, halfway through
 * what is left after it appeared, and still low, so the work done overtakes it near the end.
 */
export function estimateShare(op: Pick<OperationRecord, "messy">, phase: OperationPhase): number | undefined {
  const m = op.messy;
  if (!phase.done && phase.fraction < (m ? m.estimateAfter : TIDY_ESTIMATE_AFTER)) return undefined;
  if (!m) return 1;
  return phase.done || phase.fraction >= estimateRevisedAt(m) ? revisedEstimateRatio(m) : m.estimateRatio;
}

/** The share of the work done when the messy estimate is revised. */
export function estimateRevisedAt(m: MessyTimeline): number {
  return m.estimateAfter + (1 - m.estimateAfter) / 2;
}

/** The revised estimate's share of the real total: closer to it, still below. */
export function revisedEstimateRatio(m: MessyTimeline): number {
  return Math.sqrt(m.estimateRatio);
}

/** A Progress, or undefined when it would be empty (proto3 JSON leaves an unset message out). */
function progressOf(estimated: number, completed: number): Record<string, string> | undefined {
  const out = progress(estimated, completed);
  return Object.keys(out).length ? out : undefined;
}

/** Renders the google.longrunning.Operation JSON exactly as the real service shapes it. */
export function renderOperation(
  op: OperationRecord,
  phase: OperationPhase,
  options: RenderOptions,
  stateNumbers: readonly string[],
): Record<string, unknown> {
  const totals = workTotals(op);
  const state = options.enumsAsNumbers ? stateNumbers.indexOf(phase.state) : phase.state;
  // Create, Update and DeleteDatabaseMetadata are empty messages (firestore_admin.proto): only the type.
  if (op.kind === "createDatabase" || op.kind === "deleteDatabase" || op.kind === "updateDatabase") {
    return finished({ name: operationName(op), metadata: { "@type": metadataTypeUrl(op.kind) } }, op, phase);
  }
  const metadata: Record<string, unknown> = { "@type": metadataTypeUrl(op.kind), startTime: timestamp(op.createdMs) };
  if (phase.endMs !== undefined) metadata.endTime = timestamp(phase.endMs);
  const share = estimateShare(op, phase);
  const progressDocuments = progressOf(
    share === undefined ? 0 : totals.documents * share,
    totals.documents * phase.fraction,
  );
  const progressBytes = progressOf(share === undefined ? 0 : totals.bytes * share, totals.bytes * phase.fraction);
  const withProgress = (): void => {
    if (progressDocuments) metadata.progressDocuments = progressDocuments;
    if (progressBytes) metadata.progressBytes = progressBytes;
  };
  const r = op.request;

  if (op.kind === "restoreDatabase" || op.kind === "cloneDatabase") {
    // operation.proto: RestoreDatabaseMetadata / CloneDatabaseMetadata, in field order.
    metadata.operationState = state;
    metadata.database = op.database;
    if (op.kind === "restoreDatabase") metadata.backup = r.backup;
    else metadata.pitrSnapshot = r.pitrSnapshot;
    // "How far along the restore is as an estimated percentage of remaining time": a Progress out of 100.
    const percentage = progressOf(share === undefined ? 0 : 100, 100 * phase.fraction);
    if (percentage) metadata.progressPercentage = percentage;
  } else if (op.kind === "index") {
    metadata.index = r.index;
    metadata.state = state;
    withProgress();
  } else if (op.kind === "fieldUpdate" && r.field) {
    // FieldOperationMetadata, in field order; like index metadata its state is `state`.
    const deltas = fieldDeltas(r.field);
    metadata.field = r.field.name;
    if (deltas.indexConfigDeltas.length) metadata.indexConfigDeltas = deltas.indexConfigDeltas;
    metadata.state = state;
    withProgress();
    if (deltas.ttlConfigDelta) metadata.ttlConfigDelta = deltas.ttlConfigDelta;
  } else {
    metadata.operationState = state;
    withProgress();
    if (r.collectionIds.length) metadata.collectionIds = r.collectionIds;
    if (op.kind === "export") metadata.outputUriPrefix = r.outputUriPrefix;
    if (op.kind === "import") metadata.inputUriPrefix = r.inputUriPrefix;
    if (r.namespaceIds.length) metadata.namespaceIds = r.namespaceIds;
    if (op.kind !== "import" && r.snapshotTime) metadata.snapshotTime = r.snapshotTime;
  }

  return finished({ name: operationName(op), metadata }, op, phase);
}

function finished(json: Record<string, unknown>, op: OperationRecord, phase: OperationPhase): Record<string, unknown> {
  if (!phase.done) return json;
  json.done = true;
  if (phase.error) {
    json.error = phase.error;
  } else {
    json.response = successResponse(op);
  }
  return json;
}

function successResponse(op: OperationRecord): Record<string, unknown> {
  switch (op.kind) {
    case "export":
      return { "@type": adminTypeUrl("ExportDocumentsResponse"), outputUriPrefix: op.request.outputUriPrefix };
    case "import":
      return { "@type": EMPTY_TYPE_URL };
    case "bulkDelete":
      return { "@type": adminTypeUrl("BulkDeleteDocumentsResponse") };
    case "index":
      return { "@type": adminTypeUrl("Index"), ...renderIndex(op.request.index, op.request.indexSpec, "READY") };
    case "fieldUpdate":
      return op.request.field
        ? { "@type": adminTypeUrl("Field"), ...renderField(op.request.field.name, op.request.field.after, true) }
        : { "@type": adminTypeUrl("Field") };
    default:
      return { "@type": adminTypeUrl("Database"), ...op.request.databaseResponse };
  }
}

/** The Index as index.proto shapes it: defaults (ANY_API, unique false) omitted, fields in request order. */
export function renderIndex(
  name: string | undefined,
  spec: IndexRequest | undefined,
  state: "CREATING" | "READY",
): Record<string, unknown> {
  const index: Record<string, unknown> = { name, queryScope: spec?.queryScope ?? "COLLECTION" };
  if (spec?.apiScope) index.apiScope = spec.apiScope;
  if (spec) index.fields = spec.fields;
  index.state = state;
  if (spec?.density) index.density = spec.density;
  if (spec?.unique) index.unique = true;
  return index;
}

/**
 * Spreads `fraction` of the work over the collections in order: the first collections finish first,
 * as a real export walks them.
 */
export function distribute(totals: Record<string, CollectionStats>, fraction: number): Record<string, number> {
  const all = Object.values(totals).reduce((sum, s) => sum + s.documents, 0);
  let remaining = Math.floor(all * fraction);
  const out: Record<string, number> = {};
  for (const [id, stats] of Object.entries(totals)) {
    const take = Math.min(stats.documents, remaining);
    out[id] = take;
    remaining -= take;
  }
  return out;
}
