import { databaseUrl, operationUrl } from "./admin-urls";
import { ApiRequestError, isFirestoreOperationsError, MalformedResponseError } from "./errors";
import { formatDatabaseName, parseOperationName } from "./names";
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

/** What a capped list saw. */
export interface ListScan {
  operations: OperationView[];
  /** False when the page cap stopped the scan: more operations exist than were read. */
  complete: boolean;
  /** The server's `Date` (whole seconds) and our clock when that answer arrived. */
  serverTime?: { serverMs: number; localMs: number };
}

/** An Operation as the API sent it (what `--format json|yaml` prints, as gcloud does) and as we read it. */
export interface RawOperation {
  json: unknown;
  view: OperationView;
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

  /**
   * One POST, never retried: export, import and bulk delete are not idempotent. A success answer we cannot
   * read (not JSON, cut short, over the size cap, not an Operation of this database) is ambiguous, not a
   * failure: the server said yes, so an operation may exist.
   */
  async start(
    method: StartMethod,
    database: string,
    body: ExportBody | ImportBody | BulkDeleteBody,
    options: CallOptions = {},
  ): Promise<OperationView> {
    const what = `POST ${new URL(`${this.databaseUrl(database)}:${method}`).pathname}`;
    try {
      const json = await this.transport.request({
        method: "POST",
        url: `${this.databaseUrl(database)}:${method}`,
        body,
        idempotent: false,
        ...options,
      });
      return startedOperation(json, database);
    } catch (error) {
      if (!isFirestoreOperationsError(error) || error.name !== "MalformedResponseError") throw error;
      throw new ApiRequestError(`${what}: unreadable answer (${error.message})`, 0, undefined, true, { cause: error });
    }
  }

  /** The database itself (projects.databases.get): proof that a server knows it. */
  async getDatabase(database: string, options: CallOptions = {}): Promise<unknown> {
    return this.transport.request({ method: "GET", url: this.databaseUrl(database), idempotent: true, ...options });
  }

  async get(name: string, options: CallOptions = {}): Promise<OperationView> {
    return (await this.getWithJson(name, options)).view;
  }

  /** The operation as the API sent it and as we read it. */
  async getWithJson(name: string, options: CallOptions = {}): Promise<RawOperation> {
    const json = await this.transport.request({
      method: "GET",
      url: this.operationUrl(name),
      idempotent: true,
      ...options,
    });
    return { json, view: parseOperation(json, name) };
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
    return (await this.scan(database, filter, options)).operations;
  }

  /**
   * Every page of a list, up to a cap, saying whether it saw them all and the server's clock at the first
   * answer (its `Date` header), for judging start times against our own clock.
   */
  async scan(database: string, filter?: string, options: CallOptions = {}): Promise<ListScan> {
    const out: OperationView[] = [];
    let pageToken: string | undefined;
    let serverTime: { serverMs: number; localMs: number } | undefined;
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
        onResponseHeaders: (headers) => {
          const date = Date.parse(headers.get("date") ?? "");
          if (serverTime === undefined && Number.isFinite(date)) serverTime = { serverMs: date, localMs: Date.now() };
        },
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
      if (typeof json.nextPageToken !== "string" || json.nextPageToken === "") {
        return { operations: out, complete: true, ...(serverTime ? { serverTime } : {}) };
      }
      pageToken = json.nextPageToken;
    }
    return { operations: out, complete: false, ...(serverTime ? { serverTime } : {}) };
  }

  private databaseUrl(database: string): string {
    return databaseUrl(this.endpoint, database);
  }

  private operationUrl(name: string): string {
    return operationUrl(this.endpoint, name);
  }
}

/**
 * The Operation a start POST answered with. Its name becomes the resource id and the target of every later
 * request: it must be a valid name in the database we asked, never something a server made up.
 */
function startedOperation(json: unknown, database: string): OperationView {
  const view = parseOperation(json);
  let name: ReturnType<typeof parseOperationName>;
  try {
    name = parseOperationName(view.name, "operation name");
  } catch (error) {
    throw new MalformedResponseError(`the server answered with an invalid ${(error as Error).message}`);
  }
  if (formatDatabaseName(name) !== database) {
    throw new MalformedResponseError(
      `asked ${database} to start an operation, got one of another database: ${view.name.slice(0, 200)}`,
    );
  }
  return view;
}
