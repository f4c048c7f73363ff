import type { Endpoint } from "./behaviour";

/** Routing of the Firestore Admin v1 REST surface used here (the http rules of firestore_v1.yaml). */
export type AdminRoute =
  | { endpoint: "exportDocuments" | "importDocuments" | "bulkDeleteDocuments"; database: string }
  | { endpoint: "operations.list"; database: string }
  | { endpoint: "databases.get" | "databases.delete"; database: string }
  | { endpoint: "databases.create" | "databases.restore" | "databases.clone"; project: string }
  | { endpoint: "operations.get" | "operations.delete" | "operations.cancel"; name: string; database: string }
  | { endpoint: "createIndex"; database: string; collectionGroup: string }
  | { endpoint: "databases.list"; project: string }
  | { endpoint: "databases.patch"; database: string }
  | { endpoint: "backups.get" | "backups.delete"; name: string }
  | { endpoint: "backups.list"; project: string; location: string }
  | { endpoint: "fields.get" | "fields.patch"; database: string; name: string }
  | { endpoint: "fields.list" | "indexes.list"; database: string; collectionGroup: string }
  | { endpoint: "indexes.get" | "indexes.delete"; database: string; name: string };

const DATABASE_VERBS: Record<string, Endpoint> = {
  exportDocuments: "exportDocuments",
  importDocuments: "importDocuments",
  bulkDeleteDocuments: "bulkDeleteDocuments",
};

/** Segment values must be non-empty and free of `/` after decoding (`[^/]+` in the path templates). */
function decodeSegment(segment: string): string | undefined {
  try {
    const value = decodeURIComponent(segment);
    return value === "" || value.includes("/") ? undefined : value;
  } catch {
    return undefined;
  }
}

/** Matches method and path; `(default)` may arrive raw or percent-encoded, as may the `:` of a verb. */
export function matchAdminRoute(method: string, pathname: string): AdminRoute | undefined {
  const raw = pathname.split("/");
  if (raw[0] === "" && raw[1] === "v1" && raw[2] === "projects" && raw[4] === "locations") {
    return matchBackupRoute(method, raw.slice(3));
  }
  // The project-level methods: POST projects/{p}/databases (create), databases:restore and databases:clone.
  if (raw.length === 5 && raw[0] === "" && raw[1] === "v1" && raw[2] === "projects" && method === "GET") {
    const project = decodeSegment(raw[3] as string);
    return project !== undefined && decodeSegment(raw[4] as string) === "databases"
      ? { endpoint: "databases.list", project }
      : undefined;
  }
  if (raw.length === 5 && raw[0] === "" && raw[1] === "v1" && raw[2] === "projects" && method === "POST") {
    const project = decodeSegment(raw[3] as string);
    const collection = decodeSegment(raw[4] as string);
    if (project === undefined) return undefined;
    if (collection === "databases") return { endpoint: "databases.create", project };
    if (collection === "databases:restore") return { endpoint: "databases.restore", project };
    if (collection === "databases:clone") return { endpoint: "databases.clone", project };
    return undefined;
  }
  if (raw[0] !== "" || raw[1] !== "v1" || raw[2] !== "projects" || raw[4] !== "databases") return undefined;
  const segments = raw.slice(3).map(decodeSegment);
  if (segments.some((s) => s === undefined)) return undefined;
  const [project, , databaseAndVerb, ...rest] = segments as string[];
  if (project === undefined || databaseAndVerb === undefined) return undefined;

  const [databaseId, verb, ...extraVerb] = databaseAndVerb.split(":");
  if (!databaseId || extraVerb.length) return undefined;
  const database = `projects/${project}/databases/${databaseId}`;

  if (rest.length === 0) {
    if (verb === undefined) {
      if (method === "GET") return { endpoint: "databases.get", database };
      if (method === "PATCH") return { endpoint: "databases.patch", database };
      return method === "DELETE" ? { endpoint: "databases.delete", database } : undefined;
    }
    const endpoint = DATABASE_VERBS[verb];
    if (method === "POST" && endpoint) return { endpoint, database } as AdminRoute;
    return undefined;
  }
  if (verb !== undefined) return undefined;
  if (rest[0] === "operations") {
    if (rest.length === 1) return method === "GET" ? { endpoint: "operations.list", database } : undefined;
    if (rest.length !== 2) return undefined;
    const [id, opVerb, ...more] = (rest[1] as string).split(":");
    if (!id || more.length) return undefined;
    const name = `${database}/operations/${id}`;
    if (opVerb === "cancel") return method === "POST" ? { endpoint: "operations.cancel", name, database } : undefined;
    if (opVerb !== undefined) return undefined;
    if (method === "GET") return { endpoint: "operations.get", name, database };
    if (method === "DELETE") return { endpoint: "operations.delete", name, database };
    return undefined;
  }
  if (rest[0] === "collectionGroups" && rest.length >= 3) {
    return matchCollectionGroupRoute(method, database, rest.slice(1) as [string, ...string[]]);
  }
  return undefined;
}

/** Under projects/{p}/databases/{d}/collectionGroups/{c}: indexes and fields. */
function matchCollectionGroupRoute(
  method: string,
  database: string,
  [collectionGroup, collection, id, ...more]: [string, ...string[]],
): AdminRoute | undefined {
  if (more.length || (collection !== "indexes" && collection !== "fields")) return undefined;
  if (id === undefined) {
    if (collection === "indexes" && method === "POST") return { endpoint: "createIndex", database, collectionGroup };
    if (method !== "GET") return undefined;
    return { endpoint: collection === "indexes" ? "indexes.list" : "fields.list", database, collectionGroup };
  }
  const name = `${database}/collectionGroups/${collectionGroup}/${collection}/${id}`;
  if (collection === "indexes") {
    if (method === "GET") return { endpoint: "indexes.get", database, name };
    return method === "DELETE" ? { endpoint: "indexes.delete", database, name } : undefined;
  }
  if (method === "GET") return { endpoint: "fields.get", database, name };
  return method === "PATCH" ? { endpoint: "fields.patch", database, name } : undefined;
}

/** projects/{p}/locations/{l}/backups[/{b}]: backups.list, get and delete. */
function matchBackupRoute(method: string, raw: string[]): AdminRoute | undefined {
  const segments = raw.map(decodeSegment);
  if (segments.some((s) => s === undefined)) return undefined;
  const [project, , location, collection, id, ...more] = segments as string[];
  if (project === undefined || location === undefined || collection !== "backups" || more.length) return undefined;
  if (id === undefined) return method === "GET" ? { endpoint: "backups.list", project, location } : undefined;
  const name = `projects/${project}/locations/${location}/backups/${id}`;
  if (method === "GET") return { endpoint: "backups.get", name };
  return method === "DELETE" ? { endpoint: "backups.delete", name } : undefined;
}
