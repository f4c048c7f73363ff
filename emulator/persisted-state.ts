import type { AuthState, ServiceAccountKeyRecord } from "./auth";
import { type BackupRecord, parseBackupName } from "./backups";
import { type DatabaseRecord, isDatabaseName } from "./dataset";
import { OPERATION_KINDS, type OperationRecord, operationName } from "./operation";

/** Everything that must survive a restart with --data-dir: what a snapshot (state.json) holds. */
export interface PersistedState {
  /** 1: written before the journal existed (no journalSeq); read, never written. */
  version: 2;
  /** The last journal entry already contained in this snapshot. */
  journalSeq: number;
  databases: DatabaseRecord[];
  operations: OperationRecord[];
  /** Absent in data dirs written before backups were kept. */
  backups?: BackupRecord[];
  auth: AuthState;
}

/** One durable change: what a journal line records (besides its sequence number). */
export type StateChange =
  | { operation: OperationRecord } // created or changed: the whole record, so replay is a plain overwrite
  | { removed: string } // an operation garbage-collected after its retention
  | { database: DatabaseRecord }
  | { backup: BackupRecord } // seeded, or deleted (a deleted backup is kept, marked)
  | { key: ServiceAccountKeyRecord };

/** A data dir that cannot be loaded: reported as one line, never a crash inside the running emulator. */
export class StateLoadError extends Error {
  override readonly name = "StateLoadError";
}

/** Snapshot plus the journal entries after it, in order: the state as of the last acknowledged change. */
export function replay(snapshot: PersistedState, changes: readonly StateChange[]): PersistedState {
  const databases = new Map(snapshot.databases.map((db) => [db.name, db]));
  const operations = new Map(snapshot.operations.map((op) => [operationName(op), op]));
  const keys = new Map(snapshot.auth.keys.map((key) => [key.keyId, key]));
  const backups = new Map((snapshot.backups ?? []).map((backup) => [backup.name, backup]));
  for (const change of changes) {
    if ("operation" in change) operations.set(operationName(change.operation), change.operation);
    else if ("removed" in change) operations.delete(change.removed);
    else if ("database" in change) databases.set(change.database.name, change.database);
    else if ("backup" in change) backups.set(change.backup.name, change.backup);
    else keys.set(change.key.keyId, change.key);
  }
  return {
    ...snapshot,
    databases: [...databases.values()],
    operations: [...operations.values()],
    backups: [...backups.values()],
    auth: { ...snapshot.auth, keys: [...keys.values()] },
  };
}

/** Parses state.json (version 1 or 2); throws StateLoadError naming what is wrong. */
export function parseSnapshot(text: string, file: string): PersistedState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateLoadError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const state = value as Partial<Omit<PersistedState, "version">> & { version?: unknown };
  const fail = (what: string): never => {
    throw new StateLoadError(`${file}: ${what}`);
  };
  if (typeof value !== "object" || value === null) fail("expected a JSON object");
  if (state.version !== 1 && state.version !== 2) fail(`unsupported state version ${JSON.stringify(state.version)}`);
  if (!Array.isArray(state.databases)) fail("databases must be a list");
  if (!Array.isArray(state.operations)) fail("operations must be a list");
  if (state.backups !== undefined && !Array.isArray(state.backups)) fail("backups must be a list");
  if (typeof state.auth?.tokenSecret !== "string" || !Array.isArray(state.auth.keys)) {
    fail("auth must hold tokenSecret and keys");
  }
  for (const [index, db] of (state.databases as unknown[]).entries()) {
    const problem = databaseProblem(db);
    if (problem) fail(`databases[${index}]: ${problem}`);
  }
  for (const [index, op] of (state.operations as unknown[]).entries()) {
    const problem = operationProblem(op);
    if (problem) fail(`operations[${index}]: ${problem}`);
  }
  for (const [index, backup] of (state.backups ?? []).entries()) {
    const problem = backupProblem(backup);
    if (problem) fail(`backups[${index}]: ${problem}`);
  }
  for (const [index, key] of (state.auth?.keys ?? []).entries()) {
    const problem = keyProblem(key);
    if (problem) fail(`auth.keys[${index}]: ${problem}`);
  }
  return {
    version: 2,
    journalSeq: typeof state.journalSeq === "number" ? state.journalSeq : 0,
    databases: state.databases as DatabaseRecord[],
    operations: state.operations as OperationRecord[],
    backups: (state.backups ?? []) as BackupRecord[],
    auth: state.auth as AuthState,
  };
}

/** Parses one journal line, or says why it is not one (the caller names the line). */
export function parseJournalEntry(line: string): { seq: number; change: StateChange } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: "not valid JSON" };
  }
  const entry = value as { seq?: unknown } & Record<string, unknown>;
  if (typeof value !== "object" || value === null || typeof entry.seq !== "number") {
    return { problem: "not a journal entry (no seq)" };
  }
  const problem =
    "operation" in entry
      ? operationProblem(entry.operation)
      : "removed" in entry
        ? typeof entry.removed === "string"
          ? undefined
          : "removed must be an operation name"
        : "database" in entry
          ? databaseProblem(entry.database)
          : "backup" in entry
            ? backupProblem(entry.backup)
            : "key" in entry
              ? keyProblem(entry.key)
              : "unknown change";
  if (problem) return { problem };
  const { seq, ...change } = entry;
  return { seq: entry.seq, change: change as StateChange };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === "string");
const isFiniteNumber = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);

function databaseProblem(db: unknown): string | undefined {
  if (!isObject(db) || typeof db.name !== "string" || !isDatabaseName(db.name)) return "name must be a database name";
  if (!isObject(db.collections)) return "collections must be an object";
  return undefined;
}

function backupProblem(backup: unknown): string | undefined {
  if (!isObject(backup) || typeof backup.name !== "string" || !parseBackupName(backup.name)) {
    return "name must be a backup name";
  }
  if (typeof backup.database !== "string" || !isDatabaseName(backup.database))
    return "database must be a database name";
  if (!isObject(backup.collections)) return "collections must be an object";
  if (!isFiniteNumber(backup.snapshotMs) || !isFiniteNumber(backup.expireMs)) {
    return "snapshotMs and expireMs must be numbers";
  }
  return undefined;
}

function keyProblem(key: unknown): string | undefined {
  if (!isObject(key)) return "expected an object";
  for (const field of ["clientEmail", "keyId", "publicKeyPem"]) {
    if (typeof key[field] !== "string") return `${field} must be a string`;
  }
  return undefined;
}

/**
 * The shape the store relies on. Values inside (a path Cloud Storage would refuse, say) are not judged here: an
 * operation that cannot proceed fails on its own when the store advances it.
 */
function operationProblem(op: unknown): string | undefined {
  if (!isObject(op)) return "expected an object";
  if (typeof op.id !== "string" || !/^[\w-]+$/.test(op.id)) return "id must be an operation id";
  if (typeof op.database !== "string" || !isDatabaseName(op.database)) return "database must be a database name";
  if (!(OPERATION_KINDS as readonly unknown[]).includes(op.kind)) return "unknown kind";
  if (!isFiniteNumber(op.createdMs) || !isFiniteNumber(op.durationMs))
    return "createdMs and durationMs must be numbers";
  const request = op.request;
  if (!isObject(request) || !isStringList(request.collectionIds) || !isStringList(request.namespaceIds)) {
    return "request must list collectionIds and namespaceIds";
  }
  for (const field of ["outputUriPrefix", "inputUriPrefix", "snapshotTime", "index"]) {
    if (request[field] !== undefined && typeof request[field] !== "string") return `request.${field} must be a string`;
  }
  const spec = request.indexSpec;
  if (spec !== undefined && (!isObject(spec) || typeof spec.queryScope !== "string" || !Array.isArray(spec.fields))) {
    return "request.indexSpec must have a queryScope and fields";
  }
  if (!isObject(op.totals) || !Object.values(op.totals).every((t) => isObject(t) && isFiniteNumber(t.documents))) {
    return "totals must map collections to document counts";
  }
  const outcome = op.outcome;
  if (!isObject(outcome) || (outcome.kind !== "success" && outcome.kind !== "failure")) return "unknown outcome";
  if (!isObject(op.applied) || !isFiniteNumber(op.chunksWritten)) return "applied and chunksWritten are required";
  if (op.final !== undefined && (!isObject(op.final) || !isFiniteNumber(op.final.endMs))) {
    return "final must have an endMs";
  }
  return undefined;
}
