import type { RawOperation } from "../client/admin-client";
import { databaseUrl, operationUrl } from "../client/admin-urls";
import { MalformedResponseError } from "../client/errors";
import { parseOperation } from "../client/operation-view";
import type { Transport } from "../client/transport";

export interface ListPage {
  operations: RawOperation[];
  nextPageToken?: string;
}

/**
 * The calls the CLI makes beyond the provider's client: list pages of a chosen size, with the API's own JSON, and
 * delete. URLs are built from validated names one encoded segment at a time, as the provider's client does.
 */
export class OperationsApi {
  constructor(
    private readonly transport: Transport,
    private readonly endpoint: string,
  ) {}

  async listPage(
    database: string,
    query: { filter?: string; pageSize: number; pageToken?: string },
  ): Promise<ListPage> {
    const url = new URL(`${this.databaseUrl(database)}/operations`);
    url.searchParams.set("pageSize", String(query.pageSize));
    if (query.filter) url.searchParams.set("filter", query.filter);
    if (query.pageToken) url.searchParams.set("pageToken", query.pageToken);
    const json = await this.transport.request({ method: "GET", url: url.toString(), idempotent: true });
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new MalformedResponseError("operations.list answered something that is not a ListOperationsResponse");
    }
    const { operations, nextPageToken } = json as { operations?: unknown; nextPageToken?: unknown };
    const page: ListPage = {
      operations: (Array.isArray(operations) ? operations : []).map((op) => ({ json: op, view: parseOperation(op) })),
    };
    if (typeof nextPageToken === "string" && nextPageToken !== "") page.nextPageToken = nextPageToken;
    return page;
  }

  /** Idempotent in effect (a second delete finds nothing), so transient failures are retried. */
  async delete(name: string): Promise<void> {
    await this.transport.request({ method: "DELETE", url: this.operationUrl(name), idempotent: true });
  }

  private databaseUrl(database: string): string {
    return databaseUrl(this.endpoint, database);
  }

  private operationUrl(name: string): string {
    return operationUrl(this.endpoint, name);
  }
}
