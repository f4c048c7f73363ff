import { type BehaviourPatch, DEV_TOKEN, type RequestLogEntry } from "../emulator/index";

export const DATABASE = "projects/demo-project/databases/(default)";

/** An operation as the admin API renders it (only the fields benchmarks read). */
export interface OperationJson {
  name: string;
  done?: boolean;
  error?: { code: number; message: string };
  metadata: { operationState?: string; startTime?: string; endTime?: string };
}

/**
 * The benchmarks' side channel to an emulator over loopback HTTP: arranging operations with the dev token,
 * turning knobs and reading the request log. Control routes are not in the request log, so using them never
 * changes the counts being measured.
 */
export class EmulatorAdmin {
  private logCursor = 0;

  constructor(readonly url: string) {}

  async startExport(outputUriPrefix: string, collectionIds: string[] = ["users"]): Promise<OperationJson> {
    return (await this.admin("POST", `/v1/${DATABASE}:exportDocuments`, {
      outputUriPrefix,
      collectionIds,
    })) as OperationJson;
  }

  async getOperation(name: string): Promise<OperationJson> {
    return (await this.admin("GET", `/v1/${name}`)) as OperationJson;
  }

  async setBehaviour(patch: BehaviourPatch): Promise<void> {
    await this.call("PATCH", "/emulator/v1/behaviour", patch);
  }

  /** Every operation the emulator knows, with its current state. */
  async operations(): Promise<{ name: string; state: string; done: boolean }[]> {
    return ((await this.call("GET", "/emulator/v1/operations")) as { operations: never[] }).operations;
  }

  /** Log entries since the previous call (all of them on the first call). */
  async newRequests(): Promise<RequestLogEntry[]> {
    const { requests } = (await this.call("GET", `/emulator/v1/requests?since=${this.logCursor}`)) as {
      requests: RequestLogEntry[];
    };
    for (const entry of requests) this.logCursor = Math.max(this.logCursor, entry.seq);
    return requests;
  }

  private admin(method: string, pathname: string, body?: unknown): Promise<unknown> {
    return this.call(method, pathname, body, { authorization: `Bearer ${DEV_TOKEN}` });
  }

  private async call(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.url}${pathname}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
