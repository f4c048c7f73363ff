import { databaseUrl, operationUrl } from "./admin-urls";
import type { Clock } from "./clock";
import { ApiRequestError, MalformedResponseError } from "./errors";
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

/** Operations per list page unless a caller asks for another size: the API's own default. */
export const DEFAULT_LIST_PAGE_SIZE = 100;
/** However many pages a server hands out, a scan ends: 50 pages of the default size is 5,000 operations. */
const MAX_LIST_PAGES = 50;

/** Per call: a signal that ends the request, its retries and its backoff (a `Deadline`'s, or the caller's). */
export interface CallOptions {
  signal?: AbortSignal;
}

/** One `operations.list` request: a server-side filter, the page size, and where the previous page ended. */
export interface ListQuery {
  filter?: string;
  /** Operations per page. Default: DEFAULT_LIST_PAGE_SIZE. */
  pageSize?: number;
  /** The previous page's `nextPageToken`. */
  pageToken?: string;
}

/** The server's `Date` (whole seconds) and our clock when that answer arrived. */
export interface ServerTime {
  serverMs: number;
  localMs: number;
}

/** One page of a list, each operation as the API sent it and as we read it. */
export interface ListPage {
  operations: RawOperation[];
  /** Absent on the last page. */
  nextPageToken?: string;
  /** Absent when the answer carried no readable `Date` header. */
  serverTime?: ServerTime;
}

/** What a capped list saw. */
export interface ListScan {
  operations: OperationView[];
  /** False when the page cap stopped the scan: more operations exist than were read. */
  complete: boolean;
  /** The clock of the first answer that sent a `Date` header. */
  serverTime?: ServerTime;
}

/** An Operation as the API sent it (its REST JSON, untouched) and as we read it. */
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

  /** The transport's clock: what every wait and deadline built around this client's requests reads. */
  get clock(): Clock {
    return this.transport.clock;
  }

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
      if (!(error instanceof MalformedResponseError)) throw error;
      throw new ApiRequestError(`${what}: unreadable answer (${error.message})`, {
        httpStatus: 0,
        ambiguous: true,
        cause: error,
      });
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
        serverTimeMs = serverDateMs(headers);
      },
    });
    return serverTimeMs === undefined ? {} : { serverTimeMs };
  }

  /** Idempotent in effect (a second delete finds nothing), so transient failures are retried. */
  async delete(name: string, options: CallOptions = {}): Promise<void> {
    await this.transport.request({ method: "DELETE", url: this.operationUrl(name), idempotent: true, ...options });
  }

  async list(database: string, filter?: string, options: CallOptions = {}): Promise<OperationView[]> {
    return (await this.scan(database, filter, options)).operations;
  }

  /**
   * Every page of a list, up to a cap, saying whether it saw them all and the server's clock at the first
   * answer that sent one, for judging start times against our own clock.
   */
  async scan(database: string, filter?: string, options: CallOptions = {}): Promise<ListScan> {
    const out: OperationView[] = [];
    let pageToken: string | undefined;
    let serverTime: ServerTime | undefined;
    for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
      const page = await this.listPage(
        database,
        { ...(filter ? { filter } : {}), ...(pageToken ? { pageToken } : {}) },
        options,
      );
      serverTime ??= page.serverTime;
      for (const operation of page.operations) out.push(operation.view);
      if (page.nextPageToken === undefined) {
        return { operations: out, complete: true, ...(serverTime ? { serverTime } : {}) };
      }
      pageToken = page.nextPageToken;
    }
    return { operations: out, complete: false, ...(serverTime ? { serverTime } : {}) };
  }

  /** One page of `operations.list` (a single request; `scan` reads them all). */
  async listPage(database: string, query: ListQuery = {}, options: CallOptions = {}): Promise<ListPage> {
    const url = new URL(`${this.databaseUrl(database)}/operations`);
    url.searchParams.set("pageSize", String(query.pageSize ?? DEFAULT_LIST_PAGE_SIZE));
    if (query.filter) url.searchParams.set("filter", query.filter);
    if (query.pageToken) url.searchParams.set("pageToken", query.pageToken);
    let serverTime: ServerTime | undefined;
    const json = await this.transport.request({
      method: "GET",
      url: url.toString(),
      idempotent: true,
      ...options,
      onResponseHeaders: (headers) => {
        const serverMs = serverDateMs(headers);
        serverTime = serverMs === undefined ? undefined : { serverMs, localMs: this.clock.now() };
      },
    });
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new MalformedResponseError("operations.list answered something that is not a ListOperationsResponse");
    }
    const { operations, nextPageToken } = json as { operations?: unknown; nextPageToken?: unknown };
    const page: ListPage = {
      operations: (Array.isArray(operations) ? operations : []).map((op) => ({ json: op, view: parseOperation(op) })),
    };
    if (typeof nextPageToken === "string" && nextPageToken !== "") page.nextPageToken = nextPageToken;
    if (serverTime) page.serverTime = serverTime;
    return page;
  }

  private databaseUrl(database: string): string {
    return databaseUrl(this.endpoint, database);
  }

  private operationUrl(name: string): string {
    return operationUrl(this.endpoint, name);
  }
}

/** The server's clock when it answered (its `Date` header, whole seconds), if it sent a readable one. */
function serverDateMs(headers: Headers): number | undefined {
  const date = Date.parse(headers.get("date") ?? "");
  return Number.isFinite(date) ? date : undefined;
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
