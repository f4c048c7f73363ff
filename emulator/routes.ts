import type { Endpoint } from "./behaviour";

/** Routing of the Firestore Admin v1 REST surface used here (the http rules of firestore_v1.yaml). */
export type AdminRoute =
  | { endpoint: "exportDocuments" | "importDocuments" | "bulkDeleteDocuments"; database: string }
  | { endpoint: "operations.list"; database: string }
  | { endpoint: "databases.get" | "databases.delete"; database: string }
  | { endpoint: "databases.create" | "databases.restore" | "databases.clone"; project: string }
  | { endpoint: "operations.get" | "operations.delete" | "operations.cancel"; name: string; database: string }
  | { endpoint: "createIndex"; database: string; collectionGroup: string };

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
  // The project-level methods: POST projects/{p}/databases (create), databases:restore and databases:clone.
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
  if (rest[0] === "collectionGroups" && rest[2] === "indexes" && rest.length === 3 && method === "POST") {
    return { endpoint: "createIndex", database, collectionGroup: rest[1] as string };
  }
  return undefined;
}
