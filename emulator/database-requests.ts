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
  deleteProtection: boolean;
}

/** What a databases.patch changes (the Database fields the emulator models that an update may set). */
export interface DatabaseUpdate {
  deleteProtection?: boolean;
  pointInTimeRecovery?: boolean;
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
export const DATABASE_FIELDS = [
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
    deleteProtection: deleteProtection(fields.deleteProtectionState, "database.delete_protection_state") === true,
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

/** database.proto's enums in number order: proto3 JSON takes a value by name or by number. */
const PITR_VALUES = [
  "POINT_IN_TIME_RECOVERY_ENABLEMENT_UNSPECIFIED",
  "POINT_IN_TIME_RECOVERY_ENABLED",
  "POINT_IN_TIME_RECOVERY_DISABLED",
];
const DELETE_PROTECTION_VALUES = [
  "DELETE_PROTECTION_STATE_UNSPECIFIED",
  "DELETE_PROTECTION_DISABLED",
  "DELETE_PROTECTION_ENABLED",
];

/** An enum value by name, or by number as Google's clients send it with `enum-encoding=int`. */
export function enumName(value: unknown, names: readonly string[]): unknown {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < names.length
    ? names[value]
    : value;
}

/** A DeleteProtectionState as a boolean; undefined when absent or UNSPECIFIED (which leaves it as it is). */
function deleteProtection(raw: unknown, field: string): boolean | undefined {
  const value = enumName(raw, DELETE_PROTECTION_VALUES);
  if (value === undefined || value === null || value === "DELETE_PROTECTION_STATE_UNSPECIFIED") return undefined;
  if (typeof value !== "string" || !DELETE_PROTECTION_VALUES.includes(value)) {
    throw invalidArgument(
      field,
      `Invalid value at '${field}' (${adminTypeUrl("Database.DeleteProtectionState")}), ${JSON.stringify(raw)}`,
    );
  }
  return value === "DELETE_PROTECTION_ENABLED";
}

/** The Database fields a databases.patch may change here, by their JSON names. */
const UPDATABLE = ["deleteProtectionState", "pointInTimeRecoveryEnablement"] as const;

/**
 * databases.patch (UpdateDatabaseRequest): the Database body and its update_mask. Only the fields the mask names
 * change (without a mask, those the body sets); a mask path the emulator does not model is refused by name.
 */
export function parseUpdateDatabaseRequest(database: string, body: unknown, updateMask: string | null): DatabaseUpdate {
  const fields = normalizeFields(body, DATABASE_FIELDS);
  if (fields.name !== undefined && fields.name !== null && fields.name !== "" && fields.name !== database) {
    throw invalidArgument(
      "database.name",
      `database.name ${JSON.stringify(fields.name)} does not match the URL (${database}).`,
    );
  }
  const paths =
    updateMask === null || updateMask === ""
      ? UPDATABLE.filter((path) => fields[path] !== undefined && fields[path] !== null)
      : updateMask.split(",").map((path) => path.trim().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
  const update: DatabaseUpdate = {};
  for (const path of paths) {
    if (path === "deleteProtectionState") {
      const value = deleteProtection(fields.deleteProtectionState, "database.delete_protection_state");
      if (value !== undefined) update.deleteProtection = value;
    } else if (path === "pointInTimeRecoveryEnablement") {
      const value = enumName(fields.pointInTimeRecoveryEnablement, PITR_VALUES);
      if (value !== undefined && value !== null && value !== "POINT_IN_TIME_RECOVERY_ENABLEMENT_UNSPECIFIED") {
        if (typeof value !== "string" || !PITR_VALUES.includes(value)) {
          throw invalidArgument(
            "database.point_in_time_recovery_enablement",
            `Invalid value at 'database.point_in_time_recovery_enablement' (${adminTypeUrl("Database.PointInTimeRecoveryEnablement")}), ${JSON.stringify(value)}`,
          );
        }
        update.pointInTimeRecovery = value === "POINT_IN_TIME_RECOVERY_ENABLED";
      }
    } else {
      throw invalidArgument(
        "update_mask",
        `Invalid update_mask path "${path}": the emulator updates ${UPDATABLE.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(" and ")}.`,
      );
    }
  }
  return update;
}
