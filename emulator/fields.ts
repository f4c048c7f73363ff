import { ApiError, invalidArgument } from "./api-error";
import { enumName } from "./database-requests";
import { normalizeFields } from "./requests";

/**
 * Single-field configuration (field.proto): a field's single-field indexes and its TTL. A field nobody configured
 * inherits `__default__/fields/*`, whose indexes are an ascending, a descending and an array-contains index.
 */

/** One single-field index, as Field.IndexConfig lists it (an Index of one field, without a name). */
export interface SingleFieldIndex {
  queryScope: "COLLECTION" | "COLLECTION_GROUP";
  /** ASCENDING or DESCENDING, or CONTAINS as arrayConfig. */
  order?: "ASCENDING" | "DESCENDING";
  arrayConfig?: "CONTAINS";
}

export interface FieldConfig {
  /** Undefined: the field uses its ancestor's indexes (usesAncestorConfig). */
  indexes?: SingleFieldIndex[];
  ttl: boolean;
}

/** What a fields.patch changes: the field and its configuration before and after. */
export interface FieldChange {
  /** `projects/P/databases/D/collectionGroups/C/fields/F` */
  name: string;
  before: FieldConfig;
  after: FieldConfig;
}

export const DEFAULT_SINGLE_FIELD_INDEXES: readonly SingleFieldIndex[] = [
  { queryScope: "COLLECTION", order: "ASCENDING" },
  { queryScope: "COLLECTION", order: "DESCENDING" },
  { queryScope: "COLLECTION", arrayConfig: "CONTAINS" },
];

export const UNCONFIGURED: FieldConfig = { ttl: false };

/** The collection group and field id of a field name. */
export function fieldParts(name: string): { database: string; collectionGroup: string; fieldId: string } {
  const parts = name.split("/");
  return { database: parts.slice(0, 4).join("/"), collectionGroup: parts[5] ?? "", fieldId: parts[7] ?? "" };
}

/** An Index of one field as index.proto shapes it inside a Field (state given by the caller). */
function renderIndex(fieldId: string, index: SingleFieldIndex, state?: string): Record<string, unknown> {
  const field: Record<string, unknown> = { fieldPath: fieldId };
  if (index.order) field.order = index.order;
  if (index.arrayConfig) field.arrayConfig = index.arrayConfig;
  return { queryScope: index.queryScope, fields: [field], ...(state ? { state } : {}) };
}

/**
 * The Field resource as fields.get answers: inherited indexes name their ancestor; a TTL being turned on is
 * CREATING until its operation ends (`settled`: no change of this field is running).
 */
export function renderField(name: string, config: FieldConfig, settled: boolean): Record<string, unknown> {
  const { database, collectionGroup, fieldId } = fieldParts(name);
  const inherited = config.indexes === undefined;
  const indexConfig: Record<string, unknown> = {
    indexes: (config.indexes ?? DEFAULT_SINGLE_FIELD_INDEXES).map((index) =>
      renderIndex(fieldId, index, settled ? "READY" : "CREATING"),
    ),
  };
  if (inherited && !(collectionGroup === "__default__" && fieldId === "*")) {
    indexConfig.usesAncestorConfig = true;
    indexConfig.ancestorField = `${database}/collectionGroups/__default__/fields/*`;
  }
  const field: Record<string, unknown> = { name, indexConfig };
  if (config.ttl) field.ttlConfig = { state: settled ? "ACTIVE" : "CREATING" };
  return field;
}

/** FieldOperationMetadata's indexConfigDeltas and ttlConfigDelta: what the change adds and removes. */
export function fieldDeltas(change: FieldChange): {
  indexConfigDeltas: Record<string, unknown>[];
  ttlConfigDelta?: Record<string, unknown>;
} {
  const { fieldId } = fieldParts(change.name);
  const key = (i: SingleFieldIndex) => `${i.queryScope}/${i.order ?? ""}/${i.arrayConfig ?? ""}`;
  const before = change.before.indexes ?? DEFAULT_SINGLE_FIELD_INDEXES;
  const after = change.after.indexes ?? DEFAULT_SINGLE_FIELD_INDEXES;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const indexConfigDeltas = [
    ...after.filter((i) => !beforeKeys.has(key(i))).map((i) => ({ changeType: "ADD", index: renderIndex(fieldId, i) })),
    ...before
      .filter((i) => !afterKeys.has(key(i)))
      .map((i) => ({ changeType: "REMOVE", index: renderIndex(fieldId, i) })),
  ];
  if (change.before.ttl === change.after.ttl) return { indexConfigDeltas };
  return { indexConfigDeltas, ttlConfigDelta: { changeType: change.after.ttl ? "ADD" : "REMOVE" } };
}

/** The parts of a Field a fields.patch may change (`updateMask`), as the proto's field names. */
const MASKABLE = ["indexConfig", "ttlConfig"] as const;

/**
 * Parses a fields.patch body (a Field) and its update_mask against the field's current configuration: the new
 * configuration. Without a mask, the body replaces all of it (an absent indexConfig reverts to the ancestor's).
 */
export function parseFieldPatch(
  name: string,
  body: unknown,
  updateMask: string | null,
  current: FieldConfig,
): FieldConfig {
  const fields = normalizeFields(body, ["name", "indexConfig", "ttlConfig"]);
  if (fields.name !== undefined && fields.name !== null && fields.name !== "" && fields.name !== name) {
    throw invalidArgument("field.name", `field.name ${JSON.stringify(fields.name)} does not match the URL (${name}).`);
  }
  const mask =
    updateMask === null || updateMask === ""
      ? [...MASKABLE]
      : updateMask.split(",").map((path) => path.trim().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
  for (const path of mask) {
    if (!(MASKABLE as readonly string[]).includes(path)) {
      throw invalidArgument(
        "update_mask",
        `Invalid update_mask path "${path}": a field's update_mask may name index_config and ttl_config.`,
      );
    }
  }
  const { collectionGroup, fieldId } = fieldParts(name);
  const next: FieldConfig = { ...current };
  if (mask.includes("ttlConfig")) {
    const ttl = fields.ttlConfig !== undefined && fields.ttlConfig !== null;
    if (ttl) normalizeFields(fields.ttlConfig, ["state"]);
    if (ttl && (collectionGroup === "__default__" || fieldId === "*")) {
      throw invalidArgument("field.ttl_config", "A TTL policy must name a field of a collection group.");
    }
    next.ttl = ttl;
  }
  if (mask.includes("indexConfig")) {
    if (fields.indexConfig === undefined || fields.indexConfig === null) {
      delete next.indexes;
    } else {
      const config = normalizeFields(fields.indexConfig, [
        "indexes",
        "usesAncestorConfig",
        "ancestorField",
        "reverting",
      ]);
      const list = config.indexes ?? [];
      if (!Array.isArray(list)) throw invalidArgument("field.index_config.indexes", "indexes must be a list.");
      next.indexes = list.map((raw, i) => parseSingleFieldIndex(raw, fieldId, `field.index_config.indexes[${i}]`));
    }
  }
  return next;
}

function parseSingleFieldIndex(raw: unknown, fieldId: string, at: string): SingleFieldIndex {
  const index = normalizeFields(raw, ["name", "queryScope", "apiScope", "fields", "state", "density"]);
  // index.proto's enums in number order (Google's clients may send numbers).
  const queryScope = enumName(index.queryScope ?? "COLLECTION", [
    "QUERY_SCOPE_UNSPECIFIED",
    "COLLECTION",
    "COLLECTION_GROUP",
    "COLLECTION_RECURSIVE",
  ]);
  if (queryScope !== "COLLECTION" && queryScope !== "COLLECTION_GROUP") {
    throw invalidArgument(`${at}.query_scope`, `Invalid value at '${at}.query_scope': ${JSON.stringify(queryScope)}.`);
  }
  if (!Array.isArray(index.fields) || index.fields.length !== 1) {
    throw invalidArgument(`${at}.fields`, `A single-field index lists exactly one field (${at}.fields).`);
  }
  const field = normalizeFields(index.fields[0], ["fieldPath", "order", "arrayConfig", "vectorConfig"]);
  field.order = enumName(field.order, ["ORDER_UNSPECIFIED", "ASCENDING", "DESCENDING"]);
  field.arrayConfig = enumName(field.arrayConfig, ["ARRAY_CONFIG_UNSPECIFIED", "CONTAINS"]);
  if (field.fieldPath !== undefined && field.fieldPath !== fieldId) {
    throw invalidArgument(
      `${at}.fields[0].field_path`,
      `The index's field_path ${JSON.stringify(field.fieldPath)} must be the field being configured (${fieldId}).`,
    );
  }
  const hasOrder = field.order !== undefined && field.order !== null;
  const hasArray = field.arrayConfig !== undefined && field.arrayConfig !== null;
  if (hasOrder === hasArray) {
    throw invalidArgument(`${at}.fields[0]`, `Each index field sets exactly one of order and array_config (${at}).`);
  }
  if (hasOrder && field.order !== "ASCENDING" && field.order !== "DESCENDING") {
    throw invalidArgument(
      `${at}.fields[0].order`,
      `Invalid value at '${at}.fields[0].order': ${JSON.stringify(field.order)}.`,
    );
  }
  if (hasArray && field.arrayConfig !== "CONTAINS") {
    throw invalidArgument(
      `${at}.fields[0].array_config`,
      `Invalid value at '${at}.fields[0].array_config': ${JSON.stringify(field.arrayConfig)}.`,
    );
  }
  return hasOrder
    ? { queryScope, order: field.order as "ASCENDING" | "DESCENDING" }
    : { queryScope, arrayConfig: "CONTAINS" };
}

/** A fields.patch whose field already has a change running: refused, as one field changes at a time. */
export function fieldBusy(name: string): ApiError {
  return new ApiError("FAILED_PRECONDITION", `The field ${name} is already being updated; wait for that to finish.`, {
    reason: "FIELD_UPDATE_IN_PROGRESS",
  });
}
