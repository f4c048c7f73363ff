import { MalformedResponseError } from "./errors";
import { parseDatabaseName, parseOperationName } from "./names";
import { type OperationView, parseOperation } from "./operation-view";
import type { Transport } from "./transport";

/** Request bodies of the three operation-starting methods, in the REST JSON form. */
export interface ExportBody {
  outputUriPrefix: string;
  collectionIds?: string[];
  namespaceIds?: string[];
  snapshotTime?: string;
}
export interface ImportBody {
  inputUriPrefix: string;
  collectionIds?: string[];
  namespaceIds?: string[];
}
export interface BulkDeleteBody {
  collectionIds?: string[];
  namespaceIds?: string[];
}

export type StartMethod = "exportDocuments" | "importDocuments" | "bulkDeleteDocuments";

const MAX_LIST_PAGES = 50;

/** Per call: a signal that ends the request, its retries and its backoff (a `Deadline`'s, or the caller's). */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The Firestore Admin REST calls this package makes. Paths are built from validated names, one encoded
 * segment at a time, so no name can steer a request off the configured endpoint.
 */
export class FirestoreAdminClient {
  constructor(
    private readonly transport: Transport,
    private readonly endpoint: string,
  ) {}

  /** One POST, never retried: export, import and bulk delete are not idempotent. */
  async start(
    method: StartMethod,
    database: string,
    body: ExportBody | ImportBody | BulkDeleteBody,
    options: CallOptions = {},
  ): Promise<OperationView> {
    const json = await this.transport.request({
      method: "POST",
      url: `${this.databaseUrl(database)}:${method}`,
      body,
      idempotent: false,
      ...options,
    });
    const view = parseOperation(json);
    // The name becomes the resource id and the target of every later request: it must be a valid name in the
    // database we asked, never something a server made up.
    let name: ReturnType<typeof parseOperationName>;
    try {
      name = parseOperationName(view.name, "operation name");
    } catch (error) {
      throw new MalformedResponseError(`the server answered with an invalid ${(error as Error).message}`);
    }
    if (`projects/${name.project}/databases/${name.database}` !== database) {
      throw new MalformedResponseError(
        `asked ${database} to start an operation, got one of another database: ${view.name.slice(0, 200)}`,
      );
    }
    return view;
  }

  async get(name: string, options: CallOptions = {}): Promise<OperationView> {
    const json = await this.transport.request({
      method: "GET",
      url: this.operationUrl(name),
      idempotent: true,
      ...options,
    });
    return parseOperation(json, name);
  }

  /**
   * Cancel is idempotent (a second cancel is a no-op), so transient failures are retried. Resolves with the
   * server's clock when it answered (its `Date` header, whole seconds), if it sent one.
   */
  async cancel(name: string, options: CallOptions = {}): Promise<{ serverTimeMs?: number }> {
    let serverTimeMs: number | undefined;
    await this.transport.request({
      method: "POST",
      url: `${this.operationUrl(name)}:cancel`,
      body: {},
      idempotent: true,
      ...options,
      onResponseHeaders: (headers) => {
        const date = Date.parse(headers.get("date") ?? "");
        serverTimeMs = Number.isFinite(date) ? date : undefined;
      },
    });
    return serverTimeMs === undefined ? {} : { serverTimeMs };
  }

  async list(database: string, filter?: string, options: CallOptions = {}): Promise<OperationView[]> {
    const out: OperationView[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const url = new URL(`${this.databaseUrl(database)}/operations`);
      url.searchParams.set("pageSize", "100");
      if (filter) url.searchParams.set("filter", filter);
      if (pageToken) url.searchParams.set("pageToken", pageToken);
      const json = (await this.transport.request({
        method: "GET",
        url: url.toString(),
        idempotent: true,
        ...options,
      })) as {
        operations?: unknown;
        nextPageToken?: unknown;
      } | null;
      if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new MalformedResponseError("operations.list answered something that is not a ListOperationsResponse");
      }
      if (Array.isArray(json.operations)) {
        for (const op of json.operations) out.push(parseOperation(op));
      }
      if (typeof json.nextPageToken !== "string" || json.nextPageToken === "") return out;
      pageToken = json.nextPageToken;
    }
    return out;
  }

  private databaseUrl(database: string): string {
    const { project, database: id } = parseDatabaseName(database);
    return `${this.endpoint}projects/${encodeURIComponent(project)}/databases/${encodeURIComponent(id)}`;
  }

  private operationUrl(name: string): string {
    const parsed = parseOperationName(name);
    return `${this.databaseUrl(`projects/${parsed.project}/databases/${parsed.database}`)}/operations/${encodeURIComponent(parsed.id)}`;
  }
}
