import { createHash } from "node:crypto";
import type { FieldConfig } from "./fields";
import type { IndexRequest } from "./requests";
import { SeededRandom } from "./seeded-random";
import { timestamp } from "./wire-format";

/** One collection group of the synthetic dataset: documents live in the default namespace. */
export interface CollectionStats {
  documents: number;
  bytesPerDocument: number;
}

export interface DatabaseRecord {
  /** `projects/P/databases/D` */
  name: string;
  /** The seeded documents; imports and bulk deletes apply on top of these (see OperationStore.documentCounts). */
  collections: Record<string, CollectionStats>;
  /** With PITR, snapshotTime may go back 7 days; without, 1 hour. */
  pointInTimeRecovery: boolean;
  /** When the database was made (seeded ones: when the emulator seeded them; absent in older data dirs). */
  createdMs?: number;
  /** The last databases.patch that took effect. */
  updatedMs?: number;
  /** Database.delete_protection_state: databases.delete is refused while it is on. */
  deleteProtection?: boolean;
  /** Databases made by databases.create/restore/clone: the Database fields the request set. */
  locationId?: string;
  type?: string;
  /** Single-field configurations that differ from the inherited one (fields.patch), by field name. */
  fields?: Record<string, FieldConfig>;
  /** Composite indexes whose build succeeded and that no indexes.delete removed, by index name. */
  indexes?: Record<string, IndexRequest>;
  /** Gone: deleted by databases.delete, or never made (its create, restore or clone failed or was cancelled). */
  deleted?: true;
}

export const DEFAULT_COLLECTIONS: Record<string, number> = { users: 1_200, orders: 5_000, events: 20_000 };

/** Builds a database whose document sizes are drawn from the seed, so byte progress is reproducible. */
export function seedDatabase(
  name: string,
  documentsPerCollection: Record<string, number>,
  seed: number,
  pointInTimeRecovery = false,
  createdMs?: number,
): DatabaseRecord {
  const random = new SeededRandom(seed);
  const collections: Record<string, CollectionStats> = {};
  for (const [id, documents] of Object.entries(documentsPerCollection)) {
    collections[id] = { documents, bytesPerDocument: random.int(180, 1_200) };
  }
  return { name, collections, pointInTimeRecovery, ...(createdMs === undefined ? {} : { createdMs }) };
}

/** `users=1200,orders=5000` */
export function parseCollectionsSpec(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z_][\w-]*)=(\d+)$/.exec(part);
    if (!match) throw new TypeError(`bad collection spec "${part}": expected NAME=COUNT`);
    out[match[1] as string] = Number(match[2]);
  }
  return out;
}

const DATABASE_NAME =
  /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z][a-z0-9-]*)\/databases\/(\(default\)|[a-z][a-z0-9-]{2,62})$/;

export function isDatabaseName(name: string): boolean {
  return DATABASE_NAME.test(name);
}

/** How far back reads (and so snapshotTime, clones) may go: 7 days with PITR, else 1 hour (database.proto). */
export function versionRetentionMs(db: Pick<DatabaseRecord, "pointInTimeRecovery">): number {
  return (db.pointInTimeRecovery ? 7 * 24 : 1) * 3600 * 1000;
}

/**
 * The database as projects.databases.get and list answer: google.firestore.admin.v1.Database, fields in the
 * proto's order, every output-only field the service fills for a database of this kind filled in.
 */
export function renderDatabase(db: DatabaseRecord, nowMs: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: db.name, uid: databaseUid(db) };
  if (db.createdMs !== undefined) out.createTime = timestamp(db.createdMs);
  const updated = db.updatedMs ?? db.createdMs;
  if (updated !== undefined) out.updateTime = timestamp(updated);
  const retentionMs = versionRetentionMs(db);
  Object.assign(out, {
    locationId: db.locationId ?? "nam5",
    type: db.type ?? "FIRESTORE_NATIVE",
    concurrencyMode: "PESSIMISTIC",
    versionRetentionPeriod: `${retentionMs / 1000}s`,
    earliestVersionTime: timestamp(Math.max(db.createdMs ?? 0, nowMs - retentionMs)),
    pointInTimeRecoveryEnablement: db.pointInTimeRecovery
      ? "POINT_IN_TIME_RECOVERY_ENABLED"
      : "POINT_IN_TIME_RECOVERY_DISABLED",
    appEngineIntegrationMode: "DISABLED",
    deleteProtectionState: db.deleteProtection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
  });
  out.etag = databaseEtag(db);
  out.databaseEdition = "STANDARD";
  return out;
}

/** The database's system-generated UUID4: stable for the name and creation time, as the real one is per database. */
export function databaseUid(db: Pick<DatabaseRecord, "name" | "createdMs">): string {
  const hex = createHash("sha256")
    .update(`uid:${db.name}@${db.createdMs ?? 0}`)
    .digest("hex");
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An etag per database version (name, creation and last update): what databases.delete?etag= is checked against. */
export function databaseEtag(db: DatabaseRecord): string {
  return createHash("sha256")
    .update(
      db.updatedMs === undefined
        ? `${db.name}@${db.createdMs ?? 0}`
        : `${db.name}@${db.createdMs ?? 0}@${db.updatedMs}`,
    )
    .digest("base64url")
    .slice(0, 16);
}
