import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { ApiError, bindingError, type ErrorFormat } from "./api-error";
import { Authenticator, DEV_TOKEN, newAuthState, OAuthError } from "./auth";
import { checkBackupName } from "./backups";
import {
  applyBehaviourPatch,
  type Behaviour,
  type BehaviourPatch,
  DEFAULT_BEHAVIOUR,
  type Endpoint,
  type FaultKind,
} from "./behaviour";
import { CONTROL_PREFIX, handleControl } from "./control-api";
import {
  parseCloneDatabaseRequest,
  parseCreateDatabaseRequest,
  parseRestoreDatabaseRequest,
} from "./database-requests";
import { DEFAULT_COLLECTIONS, databaseEtag, isDatabaseName, renderDatabase, seedDatabase } from "./dataset";
import { DurableState, type StateContents } from "./durable-state";
import { FaultInjector } from "./fault-injector";
import { applyFieldMask, parseFieldMask } from "./field-mask";
import { IDLE_KEEP_ALIVE_MS, parseJsonBody, readBody, sendError, sendJson, sendNotFoundPage } from "./http-io";
import { migrateLegacyStorage } from "./legacy-storage";
import { parseFilter } from "./list-filter";
import { isLoopbackAddress } from "./loopback";
import { DirectoryObjectStore, MemoryObjectStore, type ObjectStore } from "./object-store";
import { type OperationRecord, operationName, renderOperation } from "./operation";
import { OperationStore } from "./operation-store";
import type { StateChange } from "./persisted-state";
import { boolParameter, checkQueryParameters, systemParameter } from "./query-params";
import { RequestLog } from "./request-log";
import { type OriginPolicy, originRefusal } from "./request-origin";
import {
  parseBulkDeleteRequest,
  parseEmptyBody,
  parseExportRequest,
  parseImportRequest,
  parseIndexRequest,
} from "./requests";
import { handleResourceRequest, isResourceRoute } from "./resource-requests";
import { type AdminRoute, matchAdminRoute } from "./routes";
import { SeededRandom } from "./seeded-random";
import { OPERATION_STATES } from "./wire-format";

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Loopback by default: the emulator has no business on other interfaces. Any other address needs
   * `allowedHosts`, or listen() refuses it.
   */
  host?: string;
  /**
   * Names (or addresses) clients may put in `Host` besides loopback ones and the address it listens on (e.g. a
   * container's service name). Required to listen on a non-loopback address: its control API is unauthenticated.
   */
  allowedHosts?: string[];
  /** Unrouted URLs get the JSON NOT_FOUND envelope instead of Google's front end's HTML 404 page. */
  json404?: boolean;
  /**
   * Operations, keys and storage survive restarts here (a snapshot plus a journal; see DurableState); in memory
   * when unset. A data dir that cannot be loaded makes the constructor throw a StateLoadError.
   */
  dataDir?: string;
  /** With dataDir: the journal size above which it is folded into a new snapshot (4 MiB, or the snapshot's size). */
  compactAfterBytes?: number;
  auth?: "none" | "oauth";
  /** Static token accepted with auth "oauth" (cloud-platform scope); "" accepts none. */
  devToken?: string;
  /** Makes datasets, outcomes and fault patterns reproducible. */
  seed?: number;
  /** Databases that exist (full names). Default: `projects/demo-project/databases/(default)`. */
  databases?: string[];
  /** Backups that exist (full names, each of a seeded database: `projects/P/locations/L/backups/B=DATABASE`). */
  backups?: { name: string; database: string }[];
  /** Synthetic documents per collection group in each seeded database. */
  collections?: Record<string, number>;
  pointInTimeRecovery?: boolean;
  behaviour?: BehaviourPatch;
  /** Stamps the emulator's clock; tests leave it alone. */
  now?: () => number;
  /** Entries the request log holds before the oldest fall off (100,000). */
  requestLogCapacity?: number;
  /** Warnings and failures that are no request's answer (default: stderr). */
  log?: (line: string) => void;
}

export const DEFAULT_DATABASE = "projects/demo-project/databases/(default)";
const PAGE_SIZE_DEFAULT = 100;
const PAGE_SIZE_MAX = 1000;
const TICK_MS = 100;
/** A list page stops growing past this many bytes (AIP-158 lets a page hold fewer than page_size). */
const LIST_PAGE_MAX_BYTES = 1024 * 1024;

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  operation?: string;
  /** Set for an error: its body is rendered in the request's `$.xgafv` format when sent. */
  error?: ApiError;
}

/** The Firestore Admin operations emulator: admin REST surface, OAuth token endpoint and control API. */
export class Emulator {
  readonly store: OperationStore;
  readonly auth: Authenticator;
  readonly log: RequestLog;
  readonly faults: FaultInjector;
  readonly objects: ObjectStore;
  private behaviourNow: Behaviour;
  private readonly durable: DurableState | undefined;
  /** Changes made by the request or tick under way, made durable before it answers. */
  private pending: StateChange[] = [];
  private readonly now: () => number;
  private readonly logLine: (line: string) => void;
  private readonly server: http.Server;
  private ticker: NodeJS.Timeout | undefined;
  private baseUrl = "";
  private originPolicy: OriginPolicy | undefined;

  constructor(readonly options: EmulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.now = options.now ?? Date.now;
    this.behaviourNow = applyBehaviourPatch(DEFAULT_BEHAVIOUR, options.behaviour ?? {});
    this.log = new RequestLog(options.requestLogCapacity);
    this.logLine = options.log ?? ((line) => process.stderr.write(`firestore-ops-emulator: ${line}\n`));
    this.faults = new FaultInjector(seed);
    this.durable = options.dataDir ? new DurableState(options.dataDir, options.compactAfterBytes) : undefined;
    this.objects = options.dataDir
      ? new DirectoryObjectStore(path.join(options.dataDir, "objects"))
      : new MemoryObjectStore();

    const persisted = this.durable?.load();
    const record = (change: StateChange) => this.pending.push(change);
    this.auth = new Authenticator(persisted?.auth ?? newAuthState(), {
      now: this.now,
      devToken: options.devToken ?? DEV_TOKEN,
      tokenUrl: () => `${this.baseUrl}/token`,
      onKeyIssued: (key) => record({ key }),
    });
    this.store = new OperationStore({
      behaviour: () => this.behaviourNow,
      random: new SeededRandom(seed ^ 0x5eed),
      objects: this.objects,
      now: this.now,
      onChange: record,
      log: this.logLine,
    });
    if (persisted) {
      this.store.load(persisted.databases, persisted.operations, persisted.backups);
    } else {
      for (const name of options.databases ?? [DEFAULT_DATABASE]) {
        if (!isDatabaseName(name)) throw new TypeError(`not a database name: "${name}" (projects/P/databases/D)`);
        this.store.databases.set(
          name,
          seedDatabase(name, options.collections ?? DEFAULT_COLLECTIONS, seed, options.pointInTimeRecovery, this.now()),
        );
      }
      for (const backup of options.backups ?? []) this.store.addBackup(checkBackupName(backup.name), backup.database);
    }
    if (this.durable && options.dataDir) {
      const legacy = migrateLegacyStorage(path.join(options.dataDir, "storage"), this.objects);
      for (const uri of legacy.skipped)
        this.logLine(`left out stored object ${uri}: Cloud Storage would refuse its name`);
      // A fresh snapshot at every start: it upgrades older data dirs and starts an empty journal.
      this.durable.compact(this.contents());
    }
    this.pending = [];
    this.server = http.createServer((req, res) => {
      // The Date header on the emulator's own clock, as a server's Date is on the clock its operations keep:
      // clients judge a cancel that came after the end by comparing the two.
      res.sendDate = false;
      res.setHeader("Date", new Date(this.now()).toUTCString());
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, this.internalError(error));
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  }

  get behaviour(): Behaviour {
    return this.behaviourNow;
  }

  get url(): string {
    return this.baseUrl;
  }

  setBehaviour(patch: BehaviourPatch): Behaviour {
    this.behaviourNow = applyBehaviourPatch(this.behaviourNow, patch);
    if (patch.faults !== undefined) this.faults.restartCount();
    return this.behaviourNow;
  }

  async listen(port = this.options.port ?? 0, host = this.options.host ?? "127.0.0.1"): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const allowedHosts = (this.options.allowedHosts ?? []).map((name) => name.toLowerCase());
    if (!isLoopbackAddress(address.address)) {
      if (allowedHosts.length === 0) {
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
        throw new Error(
          `refusing to listen on ${shownHost}, which is not a loopback address: its control API is unauthenticated ` +
            "and issues service-account keys. Name the hosts clients will use to reach it with --allowed-host NAME " +
            "(repeatable; allowedHosts in code), or listen on 127.0.0.1.",
        );
      }
      this.logLine(
        `warning: listening on ${shownHost}, which is not a loopback address: anyone who can reach it as ` +
          `${allowedHosts.join(", ")} can use the unauthenticated control API (/emulator/v1/...), which issues ` +
          "service-account keys and changes behaviour.",
      );
    }
    this.originPolicy = { port: address.port, boundAddress: address.address, allowedHosts };
    this.baseUrl = `http://${shownHost}:${address.port}`;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
    return this.baseUrl;
  }

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.durable?.close();
  }

  /** The clock tick: it must never throw (an exception here would end the process). */
  private tick(): void {
    try {
      this.store.tick();
      this.flush();
    } catch (error) {
      this.logLine(`clock tick failed (retried on the next tick): ${describe(error)}`);
    }
  }

  private contents(): StateContents {
    return {
      databases: [...this.store.databases.values()],
      operations: [...this.store.operations.values()],
      backups: [...this.store.backups.values()],
      auth: this.auth.state,
    };
  }

  /**
   * Makes the pending changes durable (one fsynced journal write); throws if they could not be, keeping them
   * pending so that the next flush retries them and disk catches up with memory.
   */
  private flush(): void {
    if (this.pending.length === 0) return;
    const changes = this.pending;
    this.pending = [];
    if (!this.durable) return;
    try {
      this.durable.append(changes);
    } catch (error) {
      this.pending = [...changes, ...this.pending];
      throw error;
    }
    try {
      this.durable.compactIfDue(() => this.contents());
    } catch (error) {
      // The changes are in the journal already; a failed compaction only postpones the next one.
      this.logLine(`journal compaction failed (retried later): ${describe(error)}`);
    }
  }

  /** A reply after its changes are durable: if they could not be made so, the client learns it. */
  private flushed(reply: Reply): Reply {
    try {
      this.flush();
      return reply;
    } catch (error) {
      return errorReply(this.internalError(error));
    }
  }

  /** An unexpected failure: logged in full here, answered without details (they may hold local paths). */
  private internalError(error: unknown): ApiError {
    this.logLine(`internal error: ${describe(error)}`);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return new ApiError(
      "INTERNAL",
      `Internal error encountered${typeof code === "string" ? ` (${code})` : ""}; see the emulator's log.`,
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = this.now();
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const method = effectiveMethod(req);
    const pretty = !["false", "0"].includes(systemParameter(url.searchParams, "prettyPrint") ?? "");
    const entry = { timeMs: started, method, path: url.pathname };
    const xgafv = url.searchParams.get("$.xgafv") ?? "2";
    const format: ErrorFormat = xgafv === "1" ? "1" : "2";
    const send = (reply: Reply): void =>
      sendJson(res, reply.status, reply.error ? reply.error.toEnvelope(format) : reply.body, {
        pretty,
        ...(reply.headers ? { headers: reply.headers } : {}),
      });

    // Before anything else, control API and token endpoint included: no web page may drive the emulator.
    const refusal = this.originPolicy ? originRefusal(req.headers, this.originPolicy) : "the emulator is not listening";
    if (refusal) {
      const error = new ApiError("PERMISSION_DENIED", `Request refused: ${refusal}.`, {
        reason: "REQUEST_ORIGIN_REFUSED",
      });
      this.log.add({ ...entry, status: error.httpStatus });
      send(errorReply(error));
      return;
    }
    if (xgafv !== "1" && xgafv !== "2") {
      send(errorReply(bindingError(`Invalid value at 'xgafv' (TYPE_ENUM), ${JSON.stringify(xgafv)}`, "$.xgafv")));
      return;
    }

    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      const readJson = (): Promise<unknown> => readBody(req).then(parseJsonBody);
      send(
        this.flushed(
          await handleControl(this, method, url, readJson).catch((error: unknown) => this.errorReply(error)),
        ),
      );
      return;
    }

    const route = matchAdminRoute(method, url.pathname);
    const endpoint: Endpoint | undefined = url.pathname === "/token" && method === "POST" ? "token" : route?.endpoint;
    if (!endpoint) {
      this.log.add({ ...entry, status: 404 });
      if (!this.options.json404) {
        sendNotFoundPage(res, url.pathname);
        return;
      }
      const error = new ApiError("NOT_FOUND", `Method not found: ${method} ${url.pathname}`, {
        reason: "METHOD_NOT_FOUND",
      });
      sendError(res, error, pretty, format);
      return;
    }
    const userProject = req.headers["x-goog-user-project"];
    const logged = { ...entry, endpoint, ...(typeof userProject === "string" ? { userProject } : {}) };

    const fault = this.faults.decide(this.behaviourNow.faults, endpoint);
    if (fault === "reset") {
      this.log.add({ ...logged, status: 0, fault });
      req.socket.destroy();
      return;
    }
    if (fault === "429" || fault === "500" || fault === "503") {
      const error = transientError(fault, this.behaviourNow.faults.retryAfterSeconds);
      this.log.add({ ...logged, status: error.httpStatus, fault });
      sendError(res, error, pretty, format);
      return;
    }
    if (fault === "slow") {
      await delay(this.behaviourNow.faults.slowMs);
      // A client that went away while its request waited in front of the service cancelled it: not acted on.
      if (req.socket.destroyed || !req.socket.writable) {
        this.log.add({ ...logged, status: 0, fault });
        return;
      }
    }

    let reply: Reply;
    try {
      const body = await readBody(req);
      reply = endpoint === "token" ? this.token(body) : await this.admin(route as AdminRoute, url, req, body);
    } catch (error) {
      reply = this.errorReply(error);
    }
    reply = this.flushed(reply);
    const record = {
      ...logged,
      ...(fault ? { fault } : {}),
      ...(reply.operation ? { operation: reply.operation } : {}),
    };
    if (fault === "commit-then-reset") {
      this.log.add({ ...record, status: 0 });
      req.socket.destroy();
      return;
    }
    if (fault === "commit-then-slow") {
      // Logged when it took effect, so that tests can act (kill the client) while the answer is still on its way.
      this.log.add({ ...record, status: reply.status });
      await delay(this.behaviourNow.faults.slowMs);
      send(reply);
      return;
    }
    if (fault === "commit-then-500") {
      const error = transientError("500", 0);
      this.log.add({ ...record, status: error.httpStatus });
      sendError(res, error, pretty, format);
      return;
    }
    this.log.add({ ...record, status: reply.status });
    send(reply);
  }

  private errorReply(error: unknown): Reply {
    return errorReply(error instanceof ApiError ? error : this.internalError(error));
  }

  private token(body: string): Reply {
    try {
      return { status: 200, body: this.auth.exchange(new URLSearchParams(body)) };
    } catch (error) {
      if (error instanceof OAuthError) {
        return { status: 400, body: { error: error.error, error_description: error.description } };
      }
      throw error;
    }
  }

  private async admin(route: AdminRoute, url: URL, req: http.IncomingMessage, bodyText: string): Promise<Reply> {
    if (this.options.auth === "oauth") {
      this.auth.authorize(req.headers.authorization, url.searchParams.get("access_token"));
    }
    // Refused before the method runs, so a bad parameter never starts an operation.
    checkQueryParameters(route.endpoint, url.searchParams);
    // The query parameter wins over the header when both are given (which Google prefers is unverified).
    const mask = systemParameter(url.searchParams, "fields") || headerValue(req.headers["x-goog-fieldmask"]);
    const selection = mask ? parseFieldMask(mask) : undefined;
    const reply = await this.adminMethod(route, url, bodyText);
    if (selection && reply.status === 200) reply.body = applyFieldMask(reply.body, selection);
    return reply;
  }

  private async adminMethod(route: AdminRoute, url: URL, bodyText: string): Promise<Reply> {
    const alt = `${url.searchParams.get("$alt") ?? ""};${url.searchParams.get("alt") ?? ""}`;
    const render = (op: OperationRecord): Record<string, unknown> =>
      renderOperation(
        op,
        this.store.get(operationName(op)).phase,
        { enumsAsNumbers: alt.includes("enum-encoding=int") },
        OPERATION_STATES,
      );
    const now = this.now();
    if (isResourceRoute(route)) {
      const reply = handleResourceRequest(this.store, route, url.searchParams, bodyText, parseJsonBody, now);
      return reply.operation
        ? { status: 200, body: render(reply.operation), operation: operationName(reply.operation) }
        : { status: 200, body: reply.body };
    }

    switch (route.endpoint) {
      case "exportDocuments": {
        const db = this.store.database(route.database);
        const op = this.store.startExport(
          route.database,
          parseExportRequest(parseJsonBody(bodyText), now, db.pointInTimeRecovery),
        );
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "importDocuments": {
        this.store.database(route.database);
        const op = this.store.startImport(route.database, parseImportRequest(parseJsonBody(bodyText)));
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "bulkDeleteDocuments": {
        this.store.database(route.database);
        const op = this.store.startBulkDelete(route.database, parseBulkDeleteRequest(parseJsonBody(bodyText)));
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "createIndex": {
        this.store.database(route.database);
        const op = this.store.startIndexBuild(
          route.database,
          route.collectionGroup,
          parseIndexRequest(parseJsonBody(bodyText)),
        );
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "databases.get": {
        return { status: 200, body: renderDatabase(this.store.database(route.database), now) };
      }
      case "databases.create": {
        const databaseId = url.searchParams.get("databaseId") ?? url.searchParams.get("database_id");
        const op = this.store.startCreateDatabase(
          route.project,
          parseCreateDatabaseRequest(databaseId, parseJsonBody(bodyText)),
        );
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "databases.restore": {
        const op = this.store.startRestoreDatabase(
          route.project,
          parseRestoreDatabaseRequest(route.project, parseJsonBody(bodyText)),
        );
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "databases.clone": {
        const op = this.store.startCloneDatabase(route.project, parseCloneDatabaseRequest(parseJsonBody(bodyText)));
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "databases.delete": {
        // "The request body must be empty."
        parseEmptyBody(parseJsonBody(bodyText));
        const db = this.store.database(route.database);
        const op = this.store.startDeleteDatabase(route.database, url.searchParams.get("etag"), databaseEtag(db));
        return { status: 200, body: render(op), operation: operationName(op) };
      }
      case "operations.get": {
        const { op } = this.store.get(route.name);
        return { status: 200, body: render(op), operation: route.name };
      }
      case "operations.cancel": {
        // The body must be empty, `{}`, or hold only the path-bound name (CancelOperationRequest has no other field).
        parseEmptyBody(parseJsonBody(bodyText), ["name"]);
        this.store.cancel(route.name);
        return { status: 200, body: {}, operation: route.name };
      }
      case "operations.delete": {
        this.store.delete(route.name);
        return { status: 200, body: {}, operation: route.name };
      }
      case "operations.list": {
        // operations.proto: "not by default supported and will result in an UNIMPLEMENTED error if set unless
        // explicitly documented"; Firestore does not document it.
        if (boolParameter(url.searchParams, ["returnPartialSuccess", "return_partial_success"])) {
          throw new ApiError("UNIMPLEMENTED", "return_partial_success is not supported by this method.", {
            fieldViolations: [{ field: "return_partial_success", description: "not supported" }],
          });
        }
        const terms = parseFilter(url.searchParams.get("filter") ?? undefined);
        const pageSizeText = url.searchParams.get("pageSize") ?? url.searchParams.get("page_size");
        const pageSize = pageSizeText === null ? PAGE_SIZE_DEFAULT : Number(pageSizeText);
        if (!Number.isInteger(pageSize) || pageSize < 0) {
          throw new ApiError("INVALID_ARGUMENT", "page_size must be a non-negative integer.", {
            fieldViolations: [{ field: "page_size", description: "must be a non-negative integer" }],
          });
        }
        const filterText = url.searchParams.get("filter") ?? "";
        const offset = decodePageToken(
          url.searchParams.get("pageToken") ?? url.searchParams.get("page_token"),
          route.database,
          filterText,
        );
        const page = this.store.list(
          route.database,
          terms,
          offset,
          Math.min(pageSize || PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX),
        );
        // Stop early rather than answer more than a client takes in one response (a few MiB for most).
        const operations: Record<string, unknown>[] = [];
        let bytes = 0;
        for (const { op } of page.items) {
          if (operations.length > 0 && bytes > LIST_PAGE_MAX_BYTES) break;
          const rendered = render(op);
          bytes += JSON.stringify(rendered).length;
          operations.push(rendered);
        }
        const nextOffset = operations.length < page.items.length ? offset + operations.length : page.nextOffset;
        const body: Record<string, unknown> = {};
        if (operations.length) body.operations = operations;
        if (nextOffset !== undefined) body.nextPageToken = encodePageToken(nextOffset, route.database, filterText);
        return { status: 200, body };
      }
    }
  }
}

function errorReply(error: ApiError): Reply {
  return { status: error.httpStatus, body: error.toEnvelope(), headers: error.responseHeaders(), error };
}

/**
 * The method a request asks for: a POST may carry another in `X-HTTP-Method-Override` (a system parameter, for
 * proxies that pass only GET and POST).
 */
function effectiveMethod(req: http.IncomingMessage): string {
  const method = req.method ?? "GET";
  const override = headerValue(req.headers["x-http-method-override"]);
  return method === "POST" && override ? override.trim().toUpperCase() : method;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function transientError(kind: Extract<FaultKind, "429" | "500" | "503">, retryAfterSeconds: number): ApiError {
  if (kind === "429") {
    return new ApiError("RESOURCE_EXHAUSTED", "Quota exceeded (injected by the emulator).", {
      reason: "RATE_LIMIT_EXCEEDED",
      retryAfterSeconds,
    });
  }
  if (kind === "503")
    return new ApiError("UNAVAILABLE", "The service is currently unavailable (injected by the emulator).");
  return new ApiError("INTERNAL", "Internal error encountered (injected by the emulator).");
}

/**
 * Page tokens are opaque and bound to the database and filter they were issued for, as AIP-158 asks: the token
 * holds the offset and a digest of both.
 */
function encodePageToken(offset: number, database: string, filter: string): string {
  return Buffer.from(JSON.stringify({ o: offset, b: pageTokenBinding(database, filter) })).toString("base64url");
}

function decodePageToken(token: string | null, database: string, filter: string): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown; b?: unknown };
    const offset = parsed.o;
    if (
      typeof offset === "number" &&
      Number.isInteger(offset) &&
      offset >= 0 &&
      parsed.b === pageTokenBinding(database, filter)
    )
      return offset;
  } catch {
    // fall through to the error below
  }
  throw new ApiError("INVALID_ARGUMENT", "Invalid page_token.", {
    fieldViolations: [
      { field: "page_token", description: "not a token this list issued for this database and filter" },
    ],
  });
}

function pageTokenBinding(database: string, filter: string): string {
  return createHash("sha256").update(`${database}\n${filter}`).digest("base64url").slice(0, 22);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
