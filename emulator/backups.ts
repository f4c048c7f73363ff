import { ApiError, invalidArgument } from "./api-error";
import type { CollectionStats } from "./dataset";
import { timestamp } from "./wire-format";

/**
 * Backups (backup.proto): made by a schedule in the real service, seeded here (the --backup flag, the control
 * API). They are what databases:restore restores from; get, list and delete are their whole REST surface.
 */
export interface BackupRecord {
  /** `projects/P/locations/L/backups/B` */
  name: string;
  /** `projects/P/databases/D`: the database backed up. */
  database: string;
  databaseUid: string;
  snapshotMs: number;
  expireMs: number;
  /** The documents in the backup: what a restore from it holds. */
  collections: Record<string, CollectionStats>;
  /** READY, or CREATING / NOT_AVAILABLE as seeded. */
  state: BackupState;
  /** Deleted by backups.delete (kept so that a data dir replays the deletion). */
  deleted?: true;
}

export type BackupState = "CREATING" | "READY" | "NOT_AVAILABLE";
export const BACKUP_STATES: readonly BackupState[] = ["CREATING", "READY", "NOT_AVAILABLE"];

const BACKUP_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/backups\/([^/]+)$/;
const BACKUP_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The project, location and id of a backup name; undefined when it is not one. */
export function parseBackupName(name: string): { project: string; location: string; id: string } | undefined {
  const match = BACKUP_NAME.exec(name);
  if (!match) return undefined;
  return { project: match[1] as string, location: match[2] as string, id: match[3] as string };
}

/** Checks a backup name given to the control API or the --backup flag (the emulator's own inputs). */
export function checkBackupName(name: unknown): string {
  const parts = typeof name === "string" ? parseBackupName(name) : undefined;
  if (!parts || parts.location === "-" || !BACKUP_ID.test(parts.id)) {
    throw invalidArgument(
      "name",
      "name must be a backup name projects/P/locations/L/backups/B (B: lowercase letters, digits and hyphens).",
    );
  }
  return name as string;
}

/** The Backup resource as backups.get and backups.list answer (backup.proto, fields in order). */
export function renderBackup(backup: BackupRecord): Record<string, unknown> {
  let documents = 0;
  let bytes = 0;
  for (const stats of Object.values(backup.collections)) {
    documents += stats.documents;
    bytes += stats.documents * stats.bytesPerDocument;
  }
  const out: Record<string, unknown> = {
    name: backup.name,
    database: backup.database,
    databaseUid: backup.databaseUid,
    snapshotTime: timestamp(backup.snapshotMs),
    expireTime: timestamp(backup.expireMs),
  };
  // int64 as decimal strings; proto3 JSON leaves zeros out. No stats until the backup is READY.
  if (backup.state === "READY") {
    const stats: Record<string, string> = {};
    if (bytes) stats.sizeBytes = String(bytes);
    if (documents) stats.documentCount = String(documents);
    out.stats = stats;
  }
  out.state = backup.state;
  return out;
}

/** NOT_FOUND for a backup that does not exist (or was deleted), in the words of the other lookups here. */
export function backupNotFound(name: string): ApiError {
  return new ApiError("NOT_FOUND", `Backup ${name} not found.`, { reason: "BACKUP_NOT_FOUND" });
}
