import { bindingError } from "./api-error";
import type { AdminRoute } from "./routes";

/**
 * Query-parameter binding as Google's front end does it: a parameter must be a system parameter or a field of
 * the request message not bound to the path or the body; anything else is refused before the method runs.
 */

/**
 * System parameters (https://cloud.google.com/apis/docs/system-parameters, and the discovery "parameters" of
 * firestore:v1): each in its `$` form and, where the table gives one, its bare form.
 */
const SYSTEM_PARAMETERS = new Set([
  "$alt",
  "alt",
  "$apiVersion",
  "$.xgafv",
  "$callback",
  "callback",
  "$ct",
  "$fields",
  "fields",
  "$key",
  "key",
  "$outputDefaults",
  "$prettyPrint",
  "prettyPrint",
  "$quotaUser",
  "quotaUser",
  "$requestReason",
  "$unique",
  "$userProject",
  "userProject",
  "access_token",
  "oauth_token",
  "upload_protocol",
  "uploadType",
]);

/**
 * Request fields left for the query string. ListOperationsRequest: name is in the path, the rest may come
 * in either JSON name. The other methods bind everything to the path or to `body: "*"` / `body: "index"`.
 */
const QUERY_FIELDS: Partial<Record<AdminRoute["endpoint"], readonly string[]>> = {
  // CreateDatabaseRequest: parent in the path, database the body, database_id left for the query.
  "databases.create": ["databaseId", "database_id"],
  // DeleteDatabaseRequest: name in the path, etag left for the query.
  "databases.delete": ["etag"],
  // The list and update methods of databases, backups, fields and indexes (firestore_admin.proto).
  "databases.list": ["showDeleted", "show_deleted"],
  "databases.patch": ["updateMask", "update_mask"],
  "backups.list": ["filter"],
  "fields.list": ["filter", "pageSize", "page_size", "pageToken", "page_token"],
  "fields.patch": ["updateMask", "update_mask"],
  "indexes.list": ["filter", "pageSize", "page_size", "pageToken", "page_token"],
  "operations.list": [
    "filter",
    "pageSize",
    "page_size",
    "pageToken",
    "page_token",
    "returnPartialSuccess",
    "return_partial_success",
  ],
};

export function checkQueryParameters(endpoint: AdminRoute["endpoint"], params: URLSearchParams): void {
  const allowed = QUERY_FIELDS[endpoint] ?? [];
  for (const key of params.keys()) {
    if (SYSTEM_PARAMETERS.has(key) || allowed.includes(key)) continue;
    const message = `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. Field '${key}' could not be found in request message.`;
    throw bindingError(message);
  }
}

/** A bool query parameter in proto3 JSON form; undefined when absent. */
export function boolParameter(params: URLSearchParams, names: readonly [string, string]): boolean | undefined {
  const name = names.find((n) => params.has(n));
  if (name === undefined) return undefined;
  const value = params.get(name);
  if (value === "true") return true;
  if (value === "false") return false;
  const field = names[1];
  throw bindingError(`Invalid value at '${field}' (TYPE_BOOL), ${JSON.stringify(value)}`, field);
}

/** The first of `names` the query has (the `$` form first), or undefined. */
export function systemParameter(params: URLSearchParams, name: string): string | undefined {
  return params.get(`$${name}`) ?? params.get(name) ?? undefined;
}
