import { createHash } from "node:crypto";
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
  /** Databases made by databases.create/restore/clone: when, and the Database fields the request set. */
  createdMs?: number;
  locationId?: string;
  type?: string;
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
): DatabaseRecord {
  const random = new SeededRandom(seed);
  const collections: Record<string, CollectionStats> = {};
  for (const [id, documents] of Object.entries(documentsPerCollection)) {
    collections[id] = { documents, bytesPerDocument: random.int(180, 1_200) };
  }
  return { name, collections, pointInTimeRecovery };
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

/** The database as projects.databases.get answers (google.firestore.admin.v1.Database, the fields we model). */
export function renderDatabase(db: DatabaseRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { name: db.name };
  if (db.createdMs !== undefined) out.createTime = timestamp(db.createdMs);
  Object.assign(out, {
    locationId: db.locationId ?? "nam5",
    type: db.type ?? "FIRESTORE_NATIVE",
    concurrencyMode: "PESSIMISTIC",
    pointInTimeRecoveryEnablement: db.pointInTimeRecovery
      ? "POINT_IN_TIME_RECOVERY_ENABLED"
      : "POINT_IN_TIME_RECOVERY_DISABLED",
  });
  out.etag = databaseEtag(db);
  return out;
}

/** A stable etag per database (the name and creation time): what databases.delete?etag= is checked against. */
export function databaseEtag(db: DatabaseRecord): string {
  return createHash("sha256")
    .update(`${db.name}@${db.createdMs ?? 0}`)
    .digest("base64url")
    .slice(0, 16);
}
