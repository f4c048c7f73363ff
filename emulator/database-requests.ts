import { ApiError, invalidArgument } from "./api-error";
import { adminTypeUrl } from "./metadata-types";
import { normalizeFields, parseSnapshotTime } from "./requests";

/**
 * The database-level requests that start operations (firestore_admin.proto; REST reference pages
 * projects.databases/create, restore, clone): validated before any operation exists, as the service does.
 */

export interface CreateDatabaseRequest {
  databaseId: string;
  locationId?: string;
  type?: string;
  pointInTimeRecovery: boolean;
}

export interface RestoreDatabaseRequest {
  databaseId: string;
  backup: string;
}

export interface CloneDatabaseRequest {
  databaseId: string;
  pitrSnapshot: { database: string; snapshotTimeText: unknown };
}

/** The fields of google.firestore.admin.v1.Database (its REST reference), output-only ones included. */
const DATABASE_FIELDS = [
  "name",
  "uid",
  "createTime",
  "updateTime",
  "deleteTime",
  "locationId",
  "type",
  "concurrencyMode",
  "versionRetentionPeriod",
  "earliestVersionTime",
  "pointInTimeRecoveryEnablement",
  "appEngineIntegrationMode",
  "keyPrefix",
  "deleteProtectionState",
  "cmekConfig",
  "previousId",
  "sourceInfo",
  "tags",
  "etag",
  "databaseEdition",
  "realtimeUpdatesMode",
  "firestoreDataAccessMode",
  "mongodbCompatibleDataAccessMode",
  "freeTier",
] as const;

const UUID_LIKE = /[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/;

/**
 * "This value should be 4-63 characters. Valid characters are /[a-z][0-9]-/ with first character a letter and the
 * last a letter or a number. Must not be UUID-like ... "(default)" database ID is also valid".
 */
export function checkDatabaseId(value: unknown): string {
  if (value === undefined || value === null || value === "") {
    throw invalidArgument("database_id", "Missing required field: database_id");
  }
  if (typeof value !== "string")
    throw invalidArgument("database_id", "Invalid value at 'database_id': expected a string.");
  if (value === "(default)") return value;
  if (!/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/.test(value) || UUID_LIKE.test(value)) {
    throw invalidArgument(
      "database_id",
      `Invalid database_id "${value.slice(0, 100)}": it must be 4-63 characters of lowercase letters, digits and hyphens, start with a letter, end with a letter or digit and not look like a UUID, or be "(default)".`,
    );
  }
  return value;
}

export function parseCreateDatabaseRequest(databaseId: string | null, body: unknown): CreateDatabaseRequest {
  const fields = normalizeFields(body, DATABASE_FIELDS);
  const request: CreateDatabaseRequest = {
    databaseId: checkDatabaseId(databaseId),
    pointInTimeRecovery: fields.pointInTimeRecoveryEnablement === "POINT_IN_TIME_RECOVERY_ENABLED",
  };
  if (fields.locationId !== undefined) {
    if (typeof fields.locationId !== "string" || !/^[a-z0-9-]{1,63}$/.test(fields.locationId)) {
      throw invalidArgument("database.location_id", "Invalid value at 'database.location_id'.");
    }
    request.locationId = fields.locationId;
  }
  if (fields.type !== undefined) {
    if (fields.type !== "FIRESTORE_NATIVE" && fields.type !== "DATASTORE_MODE") {
      throw invalidArgument(
        "database.type",
        `Invalid value at 'database.type' (${adminTypeUrl("Database.DatabaseType")}), ${JSON.stringify(fields.type)}`,
      );
    }
    request.type = fields.type;
  }
  return request;
}

/** `backup`: "Must be from the same project as the parent. Format is projects/{projectId}/locations/{location}/backups/{backup}". */
export function parseRestoreDatabaseRequest(project: string, body: unknown): RestoreDatabaseRequest {
  const fields = normalizeFields(body, ["databaseId", "backup", "encryptionConfig", "tags"], ["parent"]);
  const databaseId = checkDatabaseId(fields.databaseId);
  const backup = fields.backup;
  if (backup === undefined || backup === null || backup === "") {
    throw invalidArgument("backup", "Missing required field: backup");
  }
  const match =
    typeof backup === "string" ? /^projects\/([^/]+)\/locations\/([^/]+)\/backups\/([^/]+)$/.exec(backup) : null;
  if (!match) {
    throw invalidArgument(
      "backup",
      `Invalid backup ${JSON.stringify(backup)}: expected projects/{projectId}/locations/{location}/backups/{backup}.`,
    );
  }
  if (match[1] !== project) {
    throw invalidArgument("backup", `The backup must be from the same project as the parent (projects/${project}).`);
  }
  return { databaseId, backup: backup as string };
}

export function parseCloneDatabaseRequest(body: unknown): CloneDatabaseRequest {
  const fields = normalizeFields(body, ["databaseId", "pitrSnapshot", "encryptionConfig", "tags"], ["parent"]);
  const databaseId = checkDatabaseId(fields.databaseId);
  if (fields.pitrSnapshot === undefined || fields.pitrSnapshot === null) {
    throw invalidArgument("pitr_snapshot", "Missing required field: pitr_snapshot");
  }
  const snapshot = normalizeFields(fields.pitrSnapshot, ["database", "databaseUid", "snapshotTime"]);
  if (typeof snapshot.database !== "string" || snapshot.database === "") {
    throw invalidArgument("pitr_snapshot.database", "Missing required field: pitr_snapshot.database");
  }
  if (snapshot.snapshotTime === undefined || snapshot.snapshotTime === null) {
    throw invalidArgument("pitr_snapshot.snapshot_time", "Missing required field: pitr_snapshot.snapshot_time");
  }
  return { databaseId, pitrSnapshot: { database: snapshot.database, snapshotTimeText: snapshot.snapshotTime } };
}

/** The clone's minute, checked against the source database's retention (PITR: 7 days, else 1 hour). */
export function cloneSnapshotTime(value: unknown, now: number, pointInTimeRecovery: boolean): string {
  try {
    return parseSnapshotTime(value, now, pointInTimeRecovery);
  } catch (error) {
    if (error instanceof ApiError) {
      throw new ApiError(error.status, error.message.replace(/snapshot_time/g, "pitr_snapshot.snapshot_time"), {
        fieldViolations: [{ field: "pitr_snapshot.snapshot_time", description: error.message }],
      });
    }
    throw error;
  }
}
