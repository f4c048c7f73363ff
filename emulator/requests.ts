import { ApiError, bindingError, invalidArgument } from "./api-error";
import { parseGsUri, quote, trimTrailingSlashes } from "./gs-uri";
import { adminTypeUrl } from "./metadata-types";
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

/** An index field: `fieldPath` and exactly one of `order`, `arrayConfig`, `vectorConfig` (index.proto). */
export interface IndexField {
  fieldPath: string;
  order?: string;
  arrayConfig?: string;
  vectorConfig?: unknown;
}

export interface IndexRequest {
  fields: IndexField[];
  queryScope: string;
  apiScope?: string;
  density?: string;
  /** proto3 JSON omits `false`, so it is kept only when true. */
  unique?: true;
}

/** proto3 JSON parsers accept both the lowerCamelCase and the original proto field names. */
export function normalizeFields(
  body: unknown,
  allowed: readonly string[],
  pathBound: readonly string[] = [],
): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) {
    throw bindingError('Invalid JSON payload received. Unknown name "": Root element must be a message.');
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    // With `body: "*"` the whole request message is the body, so a client may repeat the fields the URL binds
    // (Google's Go REST clients send `name` and `parent` there): accepted, and the URL's value is the one used.
    if (pathBound.includes(camel)) continue;
    if (!allowed.includes(camel)) {
      throw bindingError(`Invalid JSON payload received. Unknown name ${JSON.stringify(key)}: Cannot find field.`);
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
  if (!Array.isArray(value)) throw invalidValue(snake(field), "TYPE_STRING", value);
  const at = value.findIndex((v) => typeof v !== "string");
  if (at >= 0) throw invalidValue(`${snake(field)}[${at}]`, "TYPE_STRING", value[at]);
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
  if (typeof value !== "string") throw invalidValue(snake(field), "TYPE_STRING", value);
  const parsed = parseGsUri(value);
  if ("problem" in parsed) {
    throw invalidArgument(snake(field), `Invalid ${snake(field)} ${quote(value)}: ${parsed.problem}.`);
  }
  return trimTrailingSlashes(value);
}

/** A request whose every field is bound to the path: only an empty body or `{}` binds. */
export function parseEmptyBody(body: unknown, pathBound: readonly string[] = []): void {
  normalizeFields(body, [], pathBound);
}

export function parseExportRequest(body: unknown, now: number, pointInTimeRecovery: boolean): ExportRequest {
  const fields = normalizeFields(body, ["collectionIds", "outputUriPrefix", "namespaceIds", "snapshotTime"], ["name"]);
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
export function parseSnapshotTime(value: unknown, now: number, pointInTimeRecovery: boolean): string {
  const parsed = typeof value === "string" ? parseTimestamp(value) : undefined;
  if (!parsed) throw invalidValue("snapshot_time", "type.googleapis.com/google.protobuf.Timestamp", value);
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
  const fields = normalizeFields(body, ["collectionIds", "inputUriPrefix", "namespaceIds"], ["name"]);
  return {
    collectionIds: stringList(fields, "collectionIds", collectionIdRule),
    namespaceIds: stringList(fields, "namespaceIds", namespaceIdRule),
    inputUriPrefix: gsUri(fields, "inputUriPrefix"),
  };
}

export function parseBulkDeleteRequest(body: unknown): BulkDeleteRequest {
  const fields = normalizeFields(body, ["collectionIds", "namespaceIds"], ["name"]);
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

/** Google's wording for an enum or scalar that does not parse. */
function invalidValue(field: string, type: string, value: unknown): ApiError {
  const shown = JSON.stringify(value) ?? String(value);
  return bindingError(
    `Invalid value at '${field}' (${type}), ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}`,
    field,
  );
}

/**
 * An enum by name, or by number as Google's clients send it (`enum-encoding=int`): each `allowed` list is in the
 * proto's order from value 1 (value 0, unspecified, is the caller's to handle).
 */
function enumValue(value: unknown, field: string, type: string, allowed: readonly string[]): string {
  const named = typeof value === "number" && Number.isInteger(value) && value >= 1 ? allowed[value - 1] : value;
  if (typeof named !== "string" || !allowed.includes(named)) throw invalidValue(field, `${INDEX_TYPE}.${type}`, value);
  return named;
}

/**
 * An enum field that may be left at its default: absent, null, the default's name or its number (0) give `undefined`;
 * anything else must be one of `allowed`, as enumValue checks.
 */
function optionalEnumValue(
  value: unknown,
  defaultName: string,
  field: string,
  type: string,
  allowed: readonly string[],
): string | undefined {
  if (value === undefined || value === null || value === defaultName || value === 0) return undefined;
  return enumValue(value, field, type, allowed);
}

const INDEX_TYPE = adminTypeUrl("Index");

function indexField(value: unknown, at: number): IndexField {
  const path = `index.fields[${at}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidArgument(path, `Invalid value at '${path}': expected an object.`);
  }
  // Nested unknown names carry the path, as Google's JSON binder says them.
  for (const key of Object.keys(value)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!["fieldPath", "order", "arrayConfig", "vectorConfig"].includes(camel)) {
      throw bindingError(
        `Invalid JSON payload received. Unknown name ${JSON.stringify(key)} at '${path}': Cannot find field.`,
      );
    }
  }
  const raw = Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
  if (typeof raw.fieldPath !== "string" || raw.fieldPath === "") {
    throw invalidArgument(`${path}.field_path`, `${path}.field_path must be a non-empty field path.`);
  }
  const kinds = ["order", "arrayConfig", "vectorConfig"].filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (kinds.length !== 1) {
    throw invalidArgument(path, `${path} must set exactly one of order, array_config and vector_config.`);
  }
  const field: IndexField = { fieldPath: raw.fieldPath };
  if (raw.order !== undefined && raw.order !== null) {
    field.order = enumValue(raw.order, `${path}.order`, "IndexField.Order", ["ASCENDING", "DESCENDING"]);
  } else if (raw.arrayConfig !== undefined && raw.arrayConfig !== null) {
    field.arrayConfig = enumValue(raw.arrayConfig, `${path}.array_config`, "IndexField.ArrayConfig", ["CONTAINS"]);
  } else {
    field.vectorConfig = raw.vectorConfig;
  }
  return field;
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
    "unique",
  ]);
  if (!Array.isArray(fields.fields) || fields.fields.length === 0) {
    throw invalidArgument("index.fields", "index.fields must list at least one field.");
  }
  const indexFields = fields.fields.map(indexField);
  // One field (besides the implicit __name__) is a single-field index: Google refuses it as a composite one. The
  // wording is what firebase-tools prints for the 400 (quoted in public deploy notes); vector indexes may have one.
  const named = indexFields.filter((f) => f.fieldPath !== "__name__");
  if (named.length <= 1 && !indexFields.some((f) => f.vectorConfig !== undefined)) {
    throw invalidArgument("index.fields", "this index is not necessary, configure using single field index controls");
  }
  const request: IndexRequest = {
    fields: indexFields,
    queryScope: enumValue(fields.queryScope ?? "COLLECTION", "index.query_scope", "QueryScope", [
      "COLLECTION",
      "COLLECTION_GROUP",
      "COLLECTION_RECURSIVE",
    ]),
  };
  const apiScope = optionalEnumValue(fields.apiScope, "ANY_API", "index.api_scope", "ApiScope", [
    "DATASTORE_MODE_API",
    "MONGODB_COMPATIBLE_API",
  ]);
  if (apiScope !== undefined) request.apiScope = apiScope;
  const density = optionalEnumValue(fields.density, "DENSITY_UNSPECIFIED", "index.density", "Density", [
    "SPARSE_ALL",
    "SPARSE_ANY",
    "DENSE",
  ]);
  if (density !== undefined) request.density = density;
  if (fields.unique !== undefined && fields.unique !== null) {
    if (typeof fields.unique !== "boolean") throw invalidValue("index.unique", "TYPE_BOOL", fields.unique);
    if (fields.unique) request.unique = true;
  }
  return request;
}
