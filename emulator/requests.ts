import { ApiError, invalidArgument } from "./api-error";
import { parseGsUri, quote } from "./gs-uri";
import { parseTimestamp, timestamp } from "./wire-format";

/**
 * Parsing and validating the admin request bodies. Everything here fails synchronously with a 4xx and
 * creates no operation, as the real service does for malformed requests.
 */

export interface ExportRequest {
  collectionIds: string[];
  namespaceIds: string[];
  outputUriPrefix: string;
  snapshotTime?: string;
}

export interface ImportRequest {
  collectionIds: string[];
  namespaceIds: string[];
  inputUriPrefix: string;
}

export interface BulkDeleteRequest {
  collectionIds: string[];
  namespaceIds: string[];
}

export interface IndexRequest {
  fields: unknown[];
  queryScope: string;
}

/** proto3 JSON parsers accept both the lowerCamelCase and the original proto field names. */
function normalizeFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError("INVALID_ARGUMENT", "Invalid JSON payload received. Expected an object.");
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!allowed.includes(camel)) {
      throw new ApiError(
        "INVALID_ARGUMENT",
        `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`,
        {
          fieldViolations: [
            { field: key, description: `Invalid JSON payload received. Unknown name "${key}": Cannot find field.` },
          ],
        },
      );
    }
    out[camel] = value;
  }
  return out;
}

function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function stringList(
  fields: Record<string, unknown>,
  field: string,
  rule: (id: string) => string | undefined,
): string[] {
  const value = fields[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw invalidArgument(snake(field), `Invalid value at '${snake(field)}': expected a list of strings.`);
  }
  const seen = new Set<string>();
  for (const id of value as string[]) {
    if (seen.has(id)) {
      throw invalidArgument(snake(field), `${snake(field)} must be unique; "${id}" appears more than once.`);
    }
    seen.add(id);
    const problem = rule(id);
    if (problem) throw invalidArgument(snake(field), problem);
  }
  return value as string[];
}

const collectionIdRule = (id: string): string | undefined => {
  if (id === "") return "collection_ids must not contain an empty collection id.";
  if (id.includes("/")) return `Invalid collection id "${id}": it must not contain "/".`;
  if (/^__.*__$/.test(id)) return `Invalid collection id "${id}": ids matching __.*__ are reserved.`;
  if (Buffer.byteLength(id) > 1500) return "Invalid collection id: longer than 1500 bytes.";
  return undefined;
};

const namespaceIdRule = (id: string): string | undefined => {
  if (Buffer.byteLength(id) > 100) return "Invalid namespace id: longer than 100 bytes.";
  if (/^__.*__$/.test(id)) return `Invalid namespace id "${id}": ids matching __.*__ are reserved.`;
  return undefined;
};

function gsUri(fields: Record<string, unknown>, field: "outputUriPrefix" | "inputUriPrefix"): string {
  const value = fields[field];
  if (value === undefined || value === null || value === "") {
    throw invalidArgument(snake(field), `Missing required field: ${snake(field)}`);
  }
  if (typeof value !== "string") {
    throw invalidArgument(snake(field), `Invalid value at '${snake(field)}': expected a string.`);
  }
  const parsed = parseGsUri(value);
  if ("problem" in parsed) {
    throw invalidArgument(snake(field), `Invalid ${snake(field)} ${quote(value)}: ${parsed.problem}.`);
  }
  return value.replace(/\/+$/, "");
}

/** A request whose every field is bound to the path: only an empty body or `{}` binds. */
export function parseEmptyBody(body: unknown): void {
  normalizeFields(body, []);
}

export function parseExportRequest(body: unknown, now: number, pointInTimeRecovery: boolean): ExportRequest {
  const fields = normalizeFields(body, ["collectionIds", "outputUriPrefix", "namespaceIds", "snapshotTime"]);
  const request: ExportRequest = {
    collectionIds: stringList(fields, "collectionIds", collectionIdRule),
    namespaceIds: stringList(fields, "namespaceIds", namespaceIdRule),
    outputUriPrefix: gsUri(fields, "outputUriPrefix"),
  };
  if (fields.snapshotTime !== undefined && fields.snapshotTime !== null) {
    request.snapshotTime = parseSnapshotTime(fields.snapshotTime, now, pointInTimeRecovery);
  }
  return request;
}

/** "must be in the past, rounded to the minute and not older than earliestVersionTime". */
function parseSnapshotTime(value: unknown, now: number, pointInTimeRecovery: boolean): string {
  const parsed = typeof value === "string" ? parseTimestamp(value) : undefined;
  if (!parsed) {
    throw invalidArgument(
      "snapshot_time",
      `Invalid value at 'snapshot_time': "${String(value)}" is not an RFC 3339 timestamp.`,
    );
  }
  if (parsed.ms % 60_000 !== 0 || parsed.nanos !== 0) {
    throw invalidArgument("snapshot_time", "snapshot_time must be rounded to the minute.");
  }
  if (parsed.ms >= now) {
    throw invalidArgument("snapshot_time", "snapshot_time must be in the past.");
  }
  const retentionMs = pointInTimeRecovery ? 7 * 24 * 3600_000 : 3600_000;
  if (parsed.ms < now - retentionMs) {
    throw new ApiError(
      "FAILED_PRECONDITION",
      `snapshot_time ${timestamp(parsed.ms)} is older than the database's earliest_version_time ${timestamp(now - retentionMs)}.`,
      { fieldViolations: [{ field: "snapshot_time", description: "older than earliest_version_time" }] },
    );
  }
  return timestamp(parsed.ms);
}

export function parseImportRequest(body: unknown): ImportRequest {
  const fields = normalizeFields(body, ["collectionIds", "inputUriPrefix", "namespaceIds"]);
  return {
    collectionIds: stringList(fields, "collectionIds", collectionIdRule),
    namespaceIds: stringList(fields, "namespaceIds", namespaceIdRule),
    inputUriPrefix: gsUri(fields, "inputUriPrefix"),
  };
}

export function parseBulkDeleteRequest(body: unknown): BulkDeleteRequest {
  const fields = normalizeFields(body, ["collectionIds", "namespaceIds"]);
  const request = {
    collectionIds: stringList(fields, "collectionIds", collectionIdRule),
    namespaceIds: stringList(fields, "namespaceIds", namespaceIdRule),
  };
  if (request.collectionIds.length === 0 && request.namespaceIds.length === 0) {
    throw invalidArgument(
      "collection_ids",
      "Requests with namespace_ids and collection_ids both empty will be rejected. Please use DeleteDatabase instead.",
    );
  }
  return request;
}

export function parseIndexRequest(body: unknown): IndexRequest {
  const fields = normalizeFields(body, [
    "name",
    "queryScope",
    "apiScope",
    "fields",
    "state",
    "density",
    "multikey",
    "shardCount",
  ]);
  if (!Array.isArray(fields.fields) || fields.fields.length === 0) {
    throw invalidArgument("index.fields", "index.fields must list at least one field.");
  }
  const queryScope = fields.queryScope ?? "COLLECTION";
  if (typeof queryScope !== "string") throw invalidArgument("index.query_scope", "query_scope must be a string.");
  return { fields: fields.fields, queryScope };
}
