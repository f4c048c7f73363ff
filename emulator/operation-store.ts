import { randomBytes } from "node:crypto";
import { ApiError, invalidArgument } from "./api-error";
import { type BackupRecord, backupNotFound, parseBackupName } from "./backups";
import type { Behaviour } from "./behaviour";
import { bucketApiError, bucketFailure, bucketRpcStatus } from "./bucket-problems";
import {
  type CloneDatabaseRequest,
  type CreateDatabaseRequest,
  cloneSnapshotTime,
  type RestoreDatabaseRequest,
} from "./database-requests";
import { type CollectionStats, type DatabaseRecord, databaseUid, renderDatabase } from "./dataset";
import { type FieldChange, type FieldConfig, fieldBusy, fieldParts, UNCONFIGURED } from "./fields";
import { MAX_OBJECT_NAME_BYTES, parseGsUri, quote } from "./gs-uri";
import { asksAboutCompletion, type FilterTerm, matchesFilter } from "./list-filter";
import { metadataTypeUrl } from "./metadata-types";
import { InvalidObjectNameError, type ObjectStore } from "./object-store";
import {
  distribute,
  evaluate,
  isDatabaseOperation,
  type OperationKind,
  type OperationPhase,
  type OperationRecord,
  operationName,
  renderIndex,
  type TerminalState,
} from "./operation";
import type { StateChange } from "./persisted-state";
import type { BulkDeleteRequest, ExportRequest, ImportRequest, IndexRequest } from "./requests";
import type { SeededRandom } from "./seeded-random";
import { generatedExportFolder, timestamp } from "./wire-format";

export interface OperationStoreOptions {
  behaviour: () => Behaviour;
  random: SeededRandom;
  objects: ObjectStore;
  now: () => number;
  /** Called for every change that must survive a restart; the emulator makes it durable before answering. */
  onChange: (change: StateChange) => void;
  /** Where failures that are nobody's request go (stderr in the CLI). */
  log: (line: string) => void;
}

/** Format tag of the metadata file import reads; only exports that succeeded write it. */
const EXPORT_FORMAT = "firestore-ops-emulator/export/v1";

/** Each collection's export is written as this many data files, one as each share of it is done. */
const CHUNKS_PER_COLLECTION = 4;

/** Operations, databases and their side effects: the emulator's model of the service. */
export class OperationStore {
  readonly databases = new Map<string, DatabaseRecord>();
  readonly operations = new Map<string, OperationRecord>();
  readonly backups = new Map<string, BackupRecord>();
  /** Export/import request times in the last minute, per project, for the per-minute limit. */
  private readonly recentTransfers = new Map<string, number[]>();
  /** Operations not yet over: all the tick advances, so its cost follows these and not the finished ones. */
  private readonly running = new Set<OperationRecord>();
  /** Imports and bulk deletes, per database: what document counts add up. */
  private readonly documentWriters = new Map<string, Set<OperationRecord>>();
  /** When the earliest retention ends; finished operations are swept only once one is due (or retention changed). */
  private nextExpiryMs = Number.POSITIVE_INFINITY;
  private sweptRetentionMs: number | undefined;

  constructor(private readonly options: OperationStoreOptions) {}

  private get behaviour(): Behaviour {
    return this.options.behaviour();
  }

  load(databases: DatabaseRecord[], operations: OperationRecord[], backups: BackupRecord[] = []): void {
    for (const db of databases) this.databases.set(db.name, db);
    for (const op of operations) this.track(op);
    for (const backup of backups) this.backups.set(backup.name, backup);
  }

  private track(op: OperationRecord): void {
    this.operations.set(operationName(op), op);
    if (op.final) this.noteFinished(op);
    else this.running.add(op);
    if (op.kind === "import" || op.kind === "bulkDelete") {
      const writers = this.documentWriters.get(op.database) ?? new Set();
      writers.add(op);
      this.documentWriters.set(op.database, writers);
    }
  }

  private untrack(name: string, op: OperationRecord): void {
    this.operations.delete(name);
    this.running.delete(op);
    this.documentWriters.get(op.database)?.delete(op);
    this.options.onChange({ removed: name });
  }

  /** The operation is over: records it, and when its retention ends. */
  private finalize(op: OperationRecord, final: NonNullable<OperationRecord["final"]>): void {
    op.final = final;
    this.noteFinished(op);
    this.options.onChange({ operation: op });
    this.databaseOutcome(op, final.state);
  }

  /**
   * What an operation's end does to its database. A deleted database is gone; one whose create, restore or clone
   * did not succeed never becomes usable, so it is gone too (a failed or cancelled creation leaves no database).
   * A database update, a field change or an index build takes effect only when it succeeds.
   */
  private databaseOutcome(op: OperationRecord, state: TerminalState): void {
    const db = this.databases.get(op.database);
    if (!db || db.deleted) return;
    if (op.kind === "updateDatabase" || op.kind === "fieldUpdate" || op.kind === "index") {
      if (state !== "SUCCESSFUL") return;
      if (op.kind === "updateDatabase") this.applyDatabaseUpdate(op, db);
      else if (op.kind === "fieldUpdate" && op.request.field) setFieldConfig(db, op.request.field);
      else if (op.kind === "index" && op.request.index && op.request.indexSpec && !op.indexDeleted) {
        db.indexes = { ...db.indexes, [op.request.index]: op.request.indexSpec };
      }
      this.options.onChange({ database: db });
      return;
    }
    if (!isDatabaseOperation(op.kind)) return;
    const gone = op.kind === "deleteDatabase" ? state === "SUCCESSFUL" : state !== "SUCCESSFUL";
    if (!gone) return;
    db.deleted = true;
    this.options.onChange({ database: db });
  }

  /** databases.patch takes effect: the database changes, and the operation answers with it as it now is. */
  private applyDatabaseUpdate(op: OperationRecord, db: DatabaseRecord): void {
    const update = op.request.databaseUpdate ?? {};
    if (update.deleteProtection !== undefined) db.deleteProtection = update.deleteProtection;
    if (update.pointInTimeRecovery !== undefined) db.pointInTimeRecovery = update.pointInTimeRecovery;
    db.updatedMs = op.final?.endMs ?? this.options.now();
    op.request.databaseResponse = renderDatabase(db, this.options.now());
    this.options.onChange({ operation: op });
  }

  private noteFinished(op: OperationRecord): void {
    this.running.delete(op);
    this.nextExpiryMs = Math.min(this.nextExpiryMs, (op.final?.endMs ?? 0) + this.behaviour.retentionMs);
  }

  addDatabase(db: DatabaseRecord): void {
    this.databases.set(db.name, db);
    this.options.onChange({ database: db });
  }

  database(name: string): DatabaseRecord {
    const db = this.databases.get(name);
    if (!db || db.deleted) {
      const project = name.split("/")[1];
      throw new ApiError("NOT_FOUND", `The database ${name} does not exist for project ${project}.`, {
        reason: "DATABASE_NOT_FOUND",
      });
    }
    return db;
  }

  /** Live document counts: the seed, plus what imports wrote, minus what bulk deletes removed. */
  documentCounts(databaseName: string): Record<string, CollectionStats> {
    const db = this.database(databaseName);
    const out: Record<string, CollectionStats> = {};
    for (const [id, stats] of Object.entries(db.collections)) out[id] = { ...stats };
    for (const op of this.documentWriters.get(databaseName) ?? []) {
      for (const [id, count] of Object.entries(op.applied)) {
        const stats = out[id] ?? { documents: 0, bytesPerDocument: op.totals[id]?.bytesPerDocument ?? 500 };
        stats.documents = Math.max(0, stats.documents + (op.kind === "import" ? count : -count));
        out[id] = stats;
      }
    }
    return out;
  }

  startExport(databaseName: string, request: ExportRequest): OperationRecord {
    const db = this.database(databaseName);
    const now = this.options.now();
    const target = location(request.outputUriPrefix);
    // A bucket-only prefix gets a generated child folder, visible from the very first response.
    const outputUriPrefix = target.path
      ? request.outputUriPrefix
      : `gs://${target.bucket}/${generatedExportFolder(now, this.options.random.int(0, 99_999))}`;
    const totals = this.selectCollections(this.documentCounts(db.name), request.collectionIds, request.namespaceIds);
    checkExportObjectNames(location(outputUriPrefix).path, Object.keys(totals));
    const bucketProblem = this.bucketProblem(db.name, target.bucket, target.path);
    this.checkTransferLimits(db.name);
    return this.insert({
      database: db.name,
      kind: "export",
      request: {
        collectionIds: request.collectionIds,
        namespaceIds: request.namespaceIds,
        outputUriPrefix,
        ...(request.snapshotTime ? { snapshotTime: request.snapshotTime } : {}),
      },
      totals,
      outcome: bucketProblem ?? this.plannedOutcome(),
    });
  }

  startImport(databaseName: string, request: ImportRequest): OperationRecord {
    const db = this.database(databaseName);
    const source = location(request.inputUriPrefix);
    const metadataName = exportObjectNames(source.path, "").overall;
    const bucketProblem = this.bucketProblem(db.name, source.bucket, metadataName);
    this.checkTransferLimits(db.name);
    // An export that is over by the clock has written its files, whether or not a tick has advanced it yet.
    for (const op of [...this.running]) if (op.kind === "export") this.advance(op);
    const metadata = this.readExportMetadata(source.bucket, metadataName);
    let totals: Record<string, CollectionStats> = {};
    let outcome: OperationRecord["outcome"] = this.plannedOutcome();
    if (metadata) {
      totals = this.selectCollections(metadata, request.collectionIds, request.namespaceIds);
    } else {
      // The operation starts, then fails early: an import is only valid from a finished export.
      outcome = {
        kind: "failure",
        atFraction: 0.02,
        error: {
          code: 3,
          message: `Google Cloud Storage file does not exist: /${source.bucket}/${metadataName}. An import needs the .overall_export_metadata file that only a successful export writes.`,
        },
      };
    }
    return this.insert({
      database: db.name,
      kind: "import",
      request: {
        collectionIds: request.collectionIds,
        namespaceIds: request.namespaceIds,
        inputUriPrefix: request.inputUriPrefix,
      },
      totals,
      outcome: bucketProblem ?? outcome,
    });
  }

  startBulkDelete(databaseName: string, request: BulkDeleteRequest): OperationRecord {
    const db = this.database(databaseName);
    const totals = this.selectCollections(this.documentCounts(db.name), request.collectionIds, request.namespaceIds);
    return this.insert({
      database: db.name,
      kind: "bulkDelete",
      request: {
        collectionIds: request.collectionIds,
        namespaceIds: request.namespaceIds,
        snapshotTime: timestamp(this.options.now()),
      },
      totals,
      outcome: this.plannedOutcome(),
    });
  }

  startIndexBuild(databaseName: string, collectionGroup: string, request: IndexRequest): OperationRecord {
    const db = this.database(databaseName);
    // The index exists from the moment its build starts until the build fails or is cancelled.
    const key = indexKey(collectionGroup, request);
    for (const [name, spec] of Object.entries(db.indexes ?? {})) {
      if (indexKey(indexCollectionGroup(name), spec) === key) {
        throw new ApiError("ALREADY_EXISTS", "index already exists", { reason: "ALREADY_EXISTS" });
      }
    }
    for (const op of this.operations.values()) {
      if (op.kind !== "index" || op.database !== db.name || !op.request.indexSpec || !op.request.index) continue;
      // A deleted index no longer exists, whatever its build did.
      if (op.indexDeleted || (db.indexes?.[op.request.index] === undefined && this.settle(op).state === "SUCCESSFUL"))
        continue;
      if (indexKey(indexCollectionGroup(op.request.index), op.request.indexSpec) !== key) continue;
      const state = this.settle(op).state;
      if (state !== "FAILED" && state !== "CANCELLED") {
        // 409 with this text: firebase-tools#1119 comments and #1483 (see the reference's 3.5).
        throw new ApiError("ALREADY_EXISTS", "index already exists", { reason: "ALREADY_EXISTS" });
      }
    }
    const counts = this.documentCounts(db.name);
    const indexId = `CICAgJim${randomBytes(6).toString("base64url")}`;
    return this.insert({
      database: db.name,
      kind: "index",
      request: {
        collectionIds: [],
        namespaceIds: [],
        index: `${db.name}/collectionGroups/${collectionGroup}/indexes/${indexId}`,
        indexSpec: request,
      },
      totals: counts[collectionGroup] ? { [collectionGroup]: counts[collectionGroup] } : {},
      outcome: this.plannedOutcome(),
    });
  }

  /** databases.create: the database exists (not yet usable) from the start; its operation lives under it. */
  startCreateDatabase(project: string, request: CreateDatabaseRequest): OperationRecord {
    const db = this.newDatabase(project, request.databaseId, {}, request.pointInTimeRecovery);
    if (request.locationId) db.locationId = request.locationId;
    if (request.type) db.type = request.type;
    if (request.deleteProtection) db.deleteProtection = true;
    return this.insertDatabaseOperation("createDatabase", db, {});
  }

  /**
   * databases:restore: the backup must exist (NOT_FOUND otherwise) and be READY; the new database gets its
   * documents, in its location. The operation lives under the new database (documented for restore).
   */
  startRestoreDatabase(project: string, request: RestoreDatabaseRequest): OperationRecord {
    const backup = this.backup(request.backup);
    if (backup.state !== "READY") {
      throw new ApiError("FAILED_PRECONDITION", `Backup ${backup.name} is not ready (${backup.state}).`, {
        reason: "BACKUP_NOT_READY",
      });
    }
    const collections: Record<string, CollectionStats> = {};
    for (const [id, stats] of Object.entries(backup.collections)) collections[id] = { ...stats };
    const db = this.newDatabase(project, request.databaseId, collections, false);
    db.locationId = parseBackupName(backup.name)?.location ?? "nam5";
    return this.insertDatabaseOperation("restoreDatabase", db, { backup: request.backup });
  }

  /** databases:clone: the source must exist; the clone gets its documents as they are now. */
  startCloneDatabase(project: string, request: CloneDatabaseRequest): OperationRecord {
    const source = this.database(request.pitrSnapshot.database);
    const snapshotTime = cloneSnapshotTime(
      request.pitrSnapshot.snapshotTimeText,
      this.options.now(),
      source.pointInTimeRecovery,
    );
    const db = this.newDatabase(project, request.databaseId, this.documentCounts(source.name), false);
    db.type = source.type ?? "FIRESTORE_NATIVE";
    if (source.locationId) db.locationId = source.locationId;
    return this.insertDatabaseOperation("cloneDatabase", db, {
      pitrSnapshot: { database: source.name, snapshotTime },
    });
  }

  /** databases.delete: the database is gone once the operation succeeds. */
  startDeleteDatabase(name: string, etag: string | null, currentEtag: string): OperationRecord {
    const db = this.database(name);
    if (db.deleteProtection) {
      // database.proto: "When delete protection is enabled, this database cannot be deleted." The text is ours.
      throw new ApiError(
        "FAILED_PRECONDITION",
        `Database ${name} has delete protection enabled. Disable delete protection (delete_protection_state: DELETE_PROTECTION_DISABLED) before deleting it.`,
        { reason: "DELETE_PROTECTION_ENABLED" },
      );
    }
    if (etag && etag !== currentEtag) {
      // firestore_admin.proto DeleteDatabaseRequest.etag: "deletion will be blocked and a FAILED_PRECONDITION".
      throw new ApiError("FAILED_PRECONDITION", `The etag ${etag} does not match the current etag of ${name}.`, {
        reason: "ETAG_MISMATCH",
      });
    }
    for (const op of this.running) {
      if (op.kind === "deleteDatabase" && op.database === name && !this.settle(op).done) {
        throw new ApiError("FAILED_PRECONDITION", `The database ${name} is already being deleted.`, {
          reason: "DATABASE_BEING_DELETED",
        });
      }
    }
    return this.insertDatabaseOperation("deleteDatabase", db, {});
  }

  private newDatabase(
    project: string,
    databaseId: string,
    collections: Record<string, CollectionStats>,
    pointInTimeRecovery: boolean,
  ): DatabaseRecord {
    const name = `projects/${project}/databases/${databaseId}`;
    const existing = this.databases.get(name);
    if (existing && !existing.deleted) {
      throw new ApiError("ALREADY_EXISTS", `Database ${name} already exists.`, { reason: "ALREADY_EXISTS" });
    }
    const db: DatabaseRecord = { name, collections, pointInTimeRecovery, createdMs: this.options.now() };
    this.addDatabase(db);
    return db;
  }

  private insertDatabaseOperation(
    kind: OperationKind,
    db: DatabaseRecord,
    request: Partial<OperationRecord["request"]>,
  ): OperationRecord {
    return this.insert({
      database: db.name,
      kind,
      request: {
        collectionIds: [],
        namespaceIds: [],
        ...request,
        databaseResponse: renderDatabase(db, this.options.now()),
      },
      totals: {},
      outcome: this.plannedOutcome(),
    });
  }

  /**
   * databases.patch: an UpdateDatabase operation; the change takes effect when it succeeds. Refused while another
   * update of the same database runs, as the service serializes them.
   */
  startUpdateDatabase(
    name: string,
    update: NonNullable<OperationRecord["request"]["databaseUpdate"]>,
  ): OperationRecord {
    const db = this.database(name);
    for (const op of this.running) {
      if (op.kind === "updateDatabase" && op.database === name && !this.settle(op).done) {
        throw new ApiError("FAILED_PRECONDITION", `The database ${name} is already being updated.`, {
          reason: "DATABASE_UPDATE_IN_PROGRESS",
        });
      }
    }
    return this.insertDatabaseOperation("updateDatabase", db, { databaseUpdate: update });
  }

  /** databases.list: the project's databases that exist, by name. */
  listDatabases(project: string): DatabaseRecord[] {
    return [...this.databases.values()]
      .filter((db) => !db.deleted && db.name.split("/")[1] === project)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A backup that exists; NOT_FOUND otherwise. */
  backup(name: string): BackupRecord {
    const backup = this.backups.get(name);
    if (!backup || backup.deleted) throw backupNotFound(name);
    return backup;
  }

  /** Seeds a backup (control API, --backup) of a database's documents as they are now. */
  addBackup(name: string, database: string, state: BackupRecord["state"] = "READY"): BackupRecord {
    const existing = this.backups.get(name);
    if (existing && !existing.deleted) {
      throw new ApiError("ALREADY_EXISTS", `Backup ${name} already exists.`, { reason: "ALREADY_EXISTS" });
    }
    const db = this.database(database);
    const now = this.options.now();
    const backup: BackupRecord = {
      name,
      database: db.name,
      databaseUid: databaseUid(db),
      snapshotMs: now,
      // Backups made by a daily schedule are kept 7 days by default (the retention is the schedule's).
      expireMs: now + 7 * 24 * 3600 * 1000,
      collections: this.documentCounts(db.name),
      state,
    };
    this.backups.set(name, backup);
    this.options.onChange({ backup });
    return backup;
  }

  /** backups.list: a location's backups, or every location's with `-` (ListBackupsRequest.parent). */
  listBackups(project: string, location: string): BackupRecord[] {
    return [...this.backups.values()]
      .filter((b) => {
        const parts = parseBackupName(b.name);
        return !b.deleted && parts?.project === project && (location === "-" || parts.location === location);
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  deleteBackup(name: string): void {
    const backup = this.backup(name);
    backup.deleted = true;
    this.options.onChange({ backup });
  }

  /**
   * A field's configuration, and whether it is settled: while a change of it runs, the configuration it is
   * changing to (its new TTL and indexes CREATING), and the one before as `before`.
   */
  field(name: string): { config: FieldConfig; settled: boolean; before: FieldConfig } {
    const db = this.database(fieldParts(name).database);
    const current = db.fields?.[name] ?? UNCONFIGURED;
    const running = [...this.running].find(
      (op) => op.kind === "fieldUpdate" && op.request.field?.name === name && !this.settle(op).done,
    );
    const change = running?.request.field;
    return change
      ? { config: change.after, settled: false, before: current }
      : { config: current, settled: true, before: current };
  }

  /**
   * fields.list: as the service, only fields whose configuration was changed (the filter asks for index overrides,
   * `indexConfig.usesAncestorConfig:false`, or TTL policies, `ttlConfig:*`; without one, both).
   */
  listFields(database: string, collectionGroup: string, filter: string): string[] {
    const db = this.database(database);
    const names = Object.entries(db.fields ?? {})
      .filter(([name]) => collectionGroup === "-" || fieldParts(name).collectionGroup === collectionGroup)
      .filter(([, config]) => {
        const overridesIndexes = config.indexes !== undefined;
        if (/ttlConfig\s*:\s*\*/.test(filter) && !/usesAncestorConfig/.test(filter)) return config.ttl;
        if (/usesAncestorConfig\s*:\s*false/.test(filter) && !/ttlConfig/.test(filter)) return overridesIndexes;
        return config.ttl || overridesIndexes;
      })
      .map(([name]) => name);
    return names.sort();
  }

  /** fields.patch: a FieldOperationMetadata operation over the collection group's documents. */
  startFieldUpdate(name: string, after: FieldConfig): OperationRecord {
    const { database, collectionGroup } = fieldParts(name);
    const current = this.field(name);
    if (!current.settled) throw fieldBusy(name);
    const change: FieldChange = { name, before: current.before, after };
    const counts = this.documentCounts(database);
    return this.insert({
      database,
      kind: "fieldUpdate",
      request: { collectionIds: [], namespaceIds: [], field: change },
      totals: counts[collectionGroup] ? { [collectionGroup]: counts[collectionGroup] } : {},
      outcome: this.plannedOutcome(),
    });
  }

  /** The composite indexes of a collection group (`-`: all): READY ones, then those still building. */
  listIndexes(database: string, collectionGroup: string): Record<string, unknown>[] {
    const db = this.database(database);
    const out: Record<string, unknown>[] = [];
    const inGroup = (name: string) => collectionGroup === "-" || indexCollectionGroup(name) === collectionGroup;
    for (const [name, spec] of Object.entries(db.indexes ?? {})) {
      if (inGroup(name)) out.push(renderIndex(name, spec, "READY"));
    }
    for (const op of this.buildingIndexes(database)) {
      if (inGroup(op.request.index as string))
        out.push(renderIndex(op.request.index, op.request.indexSpec, "CREATING"));
    }
    return out;
  }

  /** indexes.get: a READY or building index; NOT_FOUND otherwise. */
  index(name: string): Record<string, unknown> {
    const database = name.split("/").slice(0, 4).join("/");
    const spec = this.database(database).indexes?.[name];
    if (spec) return renderIndex(name, spec, "READY");
    const building = this.buildingIndexes(database).find((op) => op.request.index === name);
    if (building) return renderIndex(name, building.request.indexSpec, "CREATING");
    throw new ApiError("NOT_FOUND", `Index ${name} not found.`, { reason: "INDEX_NOT_FOUND" });
  }

  /** indexes.delete: the index is gone (one still building never becomes READY; its operation runs on). */
  deleteIndex(name: string): void {
    this.index(name);
    const db = this.database(name.split("/").slice(0, 4).join("/"));
    if (db.indexes?.[name]) {
      const { [name]: _, ...rest } = db.indexes;
      db.indexes = rest;
      this.options.onChange({ database: db });
    }
    for (const op of this.buildingIndexes(db.name)) {
      if (op.request.index !== name) continue;
      op.indexDeleted = true;
      this.options.onChange({ operation: op });
    }
  }

  private buildingIndexes(database: string): OperationRecord[] {
    return [...this.running].filter(
      (op) =>
        op.kind === "index" &&
        op.database === database &&
        !op.indexDeleted &&
        op.request.index !== undefined &&
        !this.settle(op).done,
    );
  }

  /** The operation as it is now; deleted and unknown operations are 404, as after garbage collection. */
  get(name: string): { op: OperationRecord; phase: OperationPhase } {
    const op = this.operations.get(name);
    if (!op || op.deleted) {
      throw new ApiError("NOT_FOUND", `Operation ${name} not found.`, { reason: "OPERATION_NOT_FOUND" });
    }
    return { op, phase: this.settle(op) };
  }

  list(
    databaseName: string,
    terms: readonly FilterTerm[],
    offset: number,
    pageSize: number,
  ): { items: { op: OperationRecord; phase: OperationPhase }[]; nextOffset?: number } {
    this.database(databaseName);
    const hideSuccessful = this.behaviour.listHidesSuccessful && !asksAboutCompletion(terms);
    const matching: { op: OperationRecord; phase: OperationPhase }[] = [];
    for (const op of this.operations.values()) {
      if (op.database !== databaseName || op.deleted) continue;
      const phase = this.settle(op);
      if (hideSuccessful && phase.state === "SUCCESSFUL") continue;
      const facts = {
        done: phase.done,
        state: phase.state,
        collectionIds: op.request.collectionIds,
        type: metadataTypeUrl(op.kind),
        ...(op.request.outputUriPrefix ? { outputUriPrefix: op.request.outputUriPrefix } : {}),
        ...(op.request.inputUriPrefix ? { inputUriPrefix: op.request.inputUriPrefix } : {}),
      };
      if (matchesFilter(terms, facts)) matching.push({ op, phase });
    }
    const items = matching.slice(offset, offset + pageSize);
    const nextOffset = offset + pageSize < matching.length ? offset + pageSize : undefined;
    return nextOffset === undefined ? { items } : { items, nextOffset };
  }

  cancel(name: string): void {
    const { op, phase } = this.get(name);
    const behaviour = this.behaviour;
    if (behaviour.cancelUnimplemented) {
      throw new ApiError("UNIMPLEMENTED", "Operation cancellation is not supported for this operation.", {
        reason: "UNIMPLEMENTED",
      });
    }
    if (phase.done) {
      if (behaviour.cancelDoneBehaviour === "failed-precondition") {
        throw new ApiError("FAILED_PRECONDITION", `Operation ${name} has already completed.`, {
          reason: "OPERATION_ALREADY_DONE",
        });
      }
      return;
    }
    if (isDatabaseOperation(op.kind)) {
      const mode = behaviour.databaseCancel[op.kind as keyof Behaviour["databaseCancel"]];
      if (mode === "refuse") {
        throw new ApiError(
          "FAILED_PRECONDITION",
          op.kind === "restoreDatabase"
            ? `Operation ${name} cannot be cancelled: once a restore operation begins, it cannot be cancelled.`
            : `Operation ${name} cannot be cancelled.`,
          { reason: "OPERATION_NOT_CANCELLABLE" },
        );
      }
      if (mode === "ignore") return; // Accepted, as cancel is best effort, and the operation runs on.
    }
    if (op.cancel) return; // Already cancelling: cancel is idempotent.
    const now = this.options.now();
    const losesRace = this.options.random.chance(behaviour.cancelLoseRate);
    const latencyMs =
      behaviour.cancelLatencyDistribution === "seeded"
        ? seededLatency(behaviour.cancelLatencyMs, this.options.random)
        : behaviour.cancelLatencyMs;
    op.cancel = {
      requestedMs: now,
      completesMs: behaviour.cancelStuck ? null : now + latencyMs,
      losesRace,
    };
    this.options.onChange({ operation: op });
  }

  delete(name: string): void {
    const { op, phase } = this.get(name);
    if (!phase.done && this.behaviour.deleteRunningBehaviour === "refuse") {
      throw new ApiError(
        "FAILED_PRECONDITION",
        `Operation ${name} is still running; only a finished operation can be deleted. Cancel it first.`,
        { reason: "OPERATION_NOT_DONE" },
      );
    }
    op.deleted = true;
    this.options.onChange({ operation: op });
  }

  /** Control API: end an operation now (releases one stuck in CANCELLING, or forces an outcome). */
  finish(name: string, state: TerminalState, error?: { code: number; message: string }): OperationPhase {
    const { op, phase } = this.get(name);
    if (phase.done) return phase;
    const now = this.options.now();
    const ended: NonNullable<OperationRecord["final"]> = {
      state,
      endMs: now,
      fraction: state === "SUCCESSFUL" ? 1 : phase.fraction,
    };
    if (state === "CANCELLED") ended.error = { code: 1, message: "The operation was cancelled." };
    if (state === "FAILED")
      ended.error = error ?? { code: 13, message: "Internal error (forced by the emulator's control API)." };
    try {
      this.applyProgress(op, ended.fraction, ended.state);
      this.finalize(op, ended);
    } catch (error) {
      this.failOperation(op, error);
    }
    return evaluate(op, now);
  }

  /** Settles one operation; one that cannot advance fails on its own. */
  private advance(op: OperationRecord): void {
    try {
      this.settle(op);
    } catch (error) {
      this.failOperation(op, error);
    }
  }

  /**
   * Advances every running operation (side effects, finalization) and garbage-collects old ones. Never throws:
   * an operation that cannot advance fails on its own, and the others go on.
   */
  tick(): void {
    for (const op of [...this.running]) this.advance(op);
    const now = this.options.now();
    const retention = this.behaviour.retentionMs;
    if (retention !== this.sweptRetentionMs || now > this.nextExpiryMs) this.sweep(now, retention);
  }

  /** Garbage-collects finished operations past their retention, and notes when the next one is due. */
  private sweep(now: number, retention: number): void {
    this.sweptRetentionMs = retention;
    this.nextExpiryMs = Number.POSITIVE_INFINITY;
    for (const [name, op] of this.operations) {
      if (!op.final) continue;
      const expiresMs = op.final.endMs + retention;
      if (expiresMs < now) this.untrack(name, op);
      else this.nextExpiryMs = Math.min(this.nextExpiryMs, expiresMs);
    }
  }

  /**
   * Ends an operation that could not advance as FAILED, with an error that says why and leaks no local path.
   * A name Cloud Storage refuses is the request's fault (code 3); anything else is the emulator's (13).
   */
  private failOperation(op: OperationRecord, error: unknown): void {
    const name = operationName(op);
    try {
      const invalid = error instanceof InvalidObjectNameError;
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      const message = invalid
        ? `The operation cannot write its output: ${error.message}.`
        : `The operation failed in the emulator (${typeof code === "string" ? code : "internal error"}); see the emulator's log.`;
      if (!invalid) this.options.log(`operation ${name} failed in the emulator: ${describe(error)}`);
      const now = this.options.now();
      this.finalize(op, {
        state: "FAILED",
        endMs: now,
        fraction: op.final?.fraction ?? evaluate(op, now).fraction,
        error: { code: invalid ? 3 : 13, message },
      });
    } catch (again) {
      // A record too broken to even fail: take it out of circulation rather than fail again on every tick.
      this.untrack(name, op);
      this.options.log(`operation ${name} removed, its record is unusable: ${describe(again)}`);
    }
  }

  /** Export and import share the documented 50-concurrent / 20-per-minute limits, each project its own. */
  private checkTransferLimits(databaseName: string): void {
    const limits = this.behaviour.limits;
    if (!limits.enabled) return;
    const now = this.options.now();
    const project = projectOf(databaseName);
    const recent = (this.recentTransfers.get(project) ?? []).filter((t) => t > now - 60_000);
    this.recentTransfers.set(project, recent);
    const running = [...this.running].filter(
      (op) =>
        (op.kind === "export" || op.kind === "import") &&
        projectOf(op.database) === project &&
        !op.deleted &&
        !this.settle(op).done,
    ).length;
    // ErrorInfo as Google's quota errors carry it (AIP-193 RATE_LIMIT_EXCEEDED: consumer, quota_metric,
    // quota_limit); the metric and limit names of the export/import limits are the emulator's (unverified).
    const quota = (limit: string) => ({
      reason: "RATE_LIMIT_EXCEEDED",
      retryHints: limits.hints,
      metadata: {
        consumer: `projects/${project}`,
        quota_metric: "firestore.googleapis.com/export_import_requests",
        quota_limit: limit,
      },
    });
    if (running >= limits.concurrent) {
      throw new ApiError(
        "RESOURCE_EXHAUSTED",
        `Too many concurrent export and import operations: the limit is ${limits.concurrent}.`,
        { ...quota("ConcurrentExportImportOperationsPerProject"), retryAfterSeconds: 30 },
      );
    }
    if (recent.length >= limits.perMinute) {
      const oldest = recent[0] ?? now;
      throw new ApiError(
        "RESOURCE_EXHAUSTED",
        `Quota exceeded: at most ${limits.perMinute} export and import requests per minute.`,
        {
          ...quota("ExportImportRequestsPerMinutePerProject"),
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000)),
        },
      );
    }
    recent.push(now);
  }

  /**
   * A bucket the behaviour says the service agent cannot use: refuses the start (throws), or returns the failure
   * the operation ends with soon after it started (`at: "run"`).
   */
  private bucketProblem(database: string, bucket: string, object: string): OperationRecord["outcome"] | undefined {
    const spec = this.behaviour.buckets[bucket];
    if (!spec) return undefined;
    const failure = bucketFailure(spec, database.split("/")[1] as string, bucket, object);
    if (spec.at === "start") throw bucketApiError(failure);
    return { kind: "failure", atFraction: 0.05, error: bucketRpcStatus(failure) };
  }

  private plannedOutcome(): OperationRecord["outcome"] {
    if (!this.options.random.chance(this.behaviour.failureRate)) return { kind: "success" };
    return {
      kind: "failure",
      atFraction: 0.5,
      error: { code: 13, message: "The operation failed due to an internal error (emulated failure)." },
    };
  }

  private selectCollections(
    available: Record<string, CollectionStats>,
    collectionIds: string[],
    namespaceIds: string[],
  ): Record<string, CollectionStats> {
    // The synthetic documents all live in the default namespace ("").
    if (namespaceIds.length > 0 && !namespaceIds.includes("")) return {};
    const out: Record<string, CollectionStats> = {};
    for (const [id, stats] of Object.entries(available)) {
      if (collectionIds.length === 0 || collectionIds.includes(id)) out[id] = { ...stats };
    }
    return out;
  }

  /** Drawn from the seeded source, so the same seed and requests give the same timelines. */
  private messyTimeline(): NonNullable<OperationRecord["messy"]> {
    const between = (min: number, max: number): number => min + (max - min) * this.options.random.fraction();
    return {
      initializing: between(0.05, 0.15),
      finalizing: between(0.05, 0.15),
      estimateAfter: between(0.1, 0.3),
      estimateRatio: between(0.75, 0.95),
    };
  }

  private insert(
    fields: Omit<OperationRecord, "id" | "createdMs" | "durationMs" | "applied" | "chunksWritten">,
  ): OperationRecord {
    const messy = this.behaviour.profile === "messy" ? this.messyTimeline() : undefined;
    const op: OperationRecord = {
      id: `AS${randomBytes(30).toString("base64url")}`,
      createdMs: this.options.now(),
      durationMs: this.behaviour.operationDurationMs + this.workMs(fields.kind, fields.totals, messy !== undefined),
      applied: {},
      chunksWritten: 0,
      ...fields,
      ...(messy ? { messy } : {}),
    };
    this.track(op);
    this.options.onChange({ operation: op });
    return op;
  }

  /** The time an export, import or bulk delete spends on its data at the behaviour's work rate. */
  private workMs(kind: OperationKind, totals: Record<string, CollectionStats>, seeded: boolean): number {
    if (kind !== "export" && kind !== "import" && kind !== "bulkDelete") return 0;
    const { documentsPerSecond, bytesPerSecond } = this.behaviour.workRate;
    if (documentsPerSecond <= 0 && bytesPerSecond <= 0) return 0;
    let documents = 0;
    let bytes = 0;
    for (const stats of Object.values(totals)) {
      documents += stats.documents;
      bytes += stats.documents * stats.bytesPerDocument;
    }
    const ms =
      (documentsPerSecond > 0 ? (documents / documentsPerSecond) * 1000 : 0) +
      (bytesPerSecond > 0 ? (bytes / bytesPerSecond) * 1000 : 0);
    const factor = seeded ? 0.7 + 0.8 * this.options.random.fraction() : 1;
    return Math.round(ms * factor);
  }

  /**
   * Evaluates the operation now and applies its side effects up to that point. Progress is not recorded as a
   * change (it follows from the clock, and side effects are redone idempotently after a restart); the end is.
   */
  private settle(op: OperationRecord): OperationPhase {
    const phase = evaluate(op, this.options.now());
    if (op.final) return phase;
    try {
      this.applyProgress(op, phase.fraction, phase.done ? (phase.state as TerminalState) : undefined);
    } catch (error) {
      this.failOperation(op, error);
      return evaluate(op, this.options.now());
    }
    if (phase.done) {
      this.finalize(op, {
        state: phase.state as TerminalState,
        endMs: phase.endMs ?? this.options.now(),
        fraction: phase.fraction,
        ...(phase.error ? { error: phase.error } : {}),
      });
    }
    return phase;
  }

  /** Writes what the operation has done by `fraction`: export files, imported or deleted documents. */
  private applyProgress(op: OperationRecord, fraction: number, ending?: TerminalState): void {
    op.applied = distribute(op.totals, fraction);
    if (op.kind !== "export") return;
    const parsed = parseGsUri(op.request.outputUriPrefix ?? "");
    if ("problem" in parsed) throw new InvalidObjectNameError(parsed.problem);
    const target = parsed.location;
    const chunks: { collection: string; index: number; end: number }[] = [];
    for (const [collection, stats] of Object.entries(op.totals)) {
      for (let i = 0; i < CHUNKS_PER_COLLECTION; i++) {
        chunks.push({ collection, index: i, end: Math.ceil((stats.documents * (i + 1)) / CHUNKS_PER_COLLECTION) });
      }
    }
    const done = (c: { collection: string; end: number }): boolean => (op.applied[c.collection] ?? 0) >= c.end;
    while (op.chunksWritten < chunks.length && done(chunks[op.chunksWritten] as (typeof chunks)[number])) {
      const chunk = chunks[op.chunksWritten] as (typeof chunks)[number];
      this.options.objects.write(
        target.bucket,
        exportObjectNames(target.path, chunk.collection).chunk(chunk.index),
        `synthetic export data: collection ${chunk.collection}, part ${chunk.index}, documents up to ${chunk.end}\n`,
      );
      op.chunksWritten++;
    }
    if (ending !== "SUCCESSFUL") return;
    for (const [collection, stats] of Object.entries(op.totals)) {
      this.options.objects.write(
        target.bucket,
        exportObjectNames(target.path, collection).collectionMetadata,
        JSON.stringify({ collection, ...stats }),
      );
    }
    // Written last, and only on success: it is what makes an export importable.
    this.options.objects.write(
      target.bucket,
      exportObjectNames(target.path, "").overall,
      JSON.stringify({
        format: EXPORT_FORMAT,
        database: op.database,
        operation: operationName(op),
        collections: op.totals,
      }),
    );
  }

  private readExportMetadata(bucket: string, name: string): Record<string, CollectionStats> | undefined {
    const text = this.options.objects.read(bucket, name);
    if (text === undefined) return undefined;
    try {
      const parsed = JSON.parse(text) as { format?: string; collections?: Record<string, CollectionStats> };
      return parsed.format === EXPORT_FORMAT ? parsed.collections : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * A CANCELLING duration drawn from the seed: log-normal around `medianMs` (sigma 0.7), clamped to [0.25x, 8x],
 * so most cancels land near the median and a few take much longer.
 */
export function seededLatency(medianMs: number, random: SeededRandom): number {
  const u1 = 1 - random.fraction(); // (0, 1]
  const u2 = random.fraction();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.round(Math.min(8, Math.max(0.25, Math.exp(0.7 * z))) * medianMs);
}

/** A prefix that the request validation accepted. */
function location(uri: string): { bucket: string; path: string } {
  const parsed = parseGsUri(uri);
  if ("problem" in parsed) throw new Error(`validated earlier: ${parsed.problem}`);
  return parsed.location;
}

/**
 * The longest names an export writes are its per-collection metadata files and the overall metadata file (which
 * repeats the last segment of the prefix): all must fit Cloud Storage's limit, or the export could never finish.
 */
function checkExportObjectNames(prefix: string, collections: readonly string[]): void {
  const names = [
    exportObjectNames(prefix, "").overall,
    ...collections.map((collection) => exportObjectNames(prefix, collection).collectionMetadata),
  ];
  for (const name of names) {
    const bytes = Buffer.byteLength(name);
    if (bytes > MAX_OBJECT_NAME_BYTES) {
      throw invalidArgument(
        "output_uri_prefix",
        `Invalid output_uri_prefix: the export would write an object named ${quote(name)} of ${bytes} bytes under it; Cloud Storage allows at most ${MAX_OBJECT_NAME_BYTES}.`,
      );
    }
  }
}

/** Where an export writes, as Firestore lays it out. */
function exportObjectNames(
  prefix: string,
  collection: string,
): { chunk: (index: number) => string; collectionMetadata: string; overall: string } {
  const folder = `${prefix}/all_namespaces/kind_${collection}`;
  return {
    chunk: (index) => `${folder}/output-${index}`,
    collectionMetadata: `${folder}/all_namespaces_kind_${collection}.export_metadata`,
    overall: `${prefix}/${prefix.split("/").pop()}.overall_export_metadata`,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Two requests for the same definition name the same index (field order matters; the name does not). */
function indexKey(collectionGroup: string, spec: IndexRequest): string {
  return JSON.stringify([
    collectionGroup,
    spec.queryScope,
    spec.apiScope ?? "ANY_API",
    spec.density ?? "",
    spec.unique === true,
    spec.fields.map((f) => [f.fieldPath, f.order ?? "", f.arrayConfig ?? "", JSON.stringify(f.vectorConfig ?? null)]),
  ]);
}

function indexCollectionGroup(indexName: string): string {
  return indexName.split("/")[5] ?? "";
}

function projectOf(databaseName: string): string {
  return databaseName.split("/")[1] ?? "";
}

/** A field change that succeeded: the field's configuration from now on (an inherited one is no override). */
function setFieldConfig(db: DatabaseRecord, change: FieldChange): void {
  const { [change.name]: _, ...others } = db.fields ?? {};
  const overridden = change.after.ttl || change.after.indexes !== undefined;
  db.fields = overridden ? { ...others, [change.name]: change.after } : others;
}
