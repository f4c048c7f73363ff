/**
 * `operations.list` is written once: `listPage` makes the request and checks the answer, and `scan` (every page,
 * up to a cap) is a loop over it. Both are driven here against a loopback server that records each request, so
 * the two are seen sending the same requests and refusing the same answers that are not a list.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { DEFAULT_LIST_PAGE_SIZE, FirestoreAdminClient } from "../../client/admin-client";
import { Transport } from "../../client/transport";

const DATABASE = "projects/demo-proj/databases/(default)";
const LIST_PATH = "/v1/projects/demo-proj/databases/(default)/operations";

/** An Operation with a field the client does not read: the raw JSON must keep it. */
function operation(id: string): Record<string, unknown> {
  return {
    name: `${DATABASE}/operations/${id}`,
    done: false,
    metadata: { operationState: "PROCESSING", unreadField: id },
  };
}

/**
 * Runs `body` with a client of a loopback server that answers every request with `answer(query)` (status 200),
 * and the requests it received so far, each as "METHOD path?query", in order.
 */
async function withListServer(
  answer: (query: URLSearchParams) => string,
  body: (client: FirestoreAdminClient, requests: string[]) => Promise<void>,
): Promise<void> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://loopback");
    requests.push(`${request.method} ${decodeURIComponent(url.pathname)}?${url.searchParams}`);
    response.writeHead(200, { "content-type": "application/json" }).end(answer(url.searchParams));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const transport = new Transport({ auth: { headers: async () => ({}) }, maxAttempts: 1 });
    await body(new FirestoreAdminClient(transport, `http://127.0.0.1:${port}/v1/`), requests);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Two pages: the first names the second by its token. */
function twoPages(query: URLSearchParams): string {
  return query.get("pageToken") === "page-2"
    ? JSON.stringify({ operations: [operation("b")] })
    : JSON.stringify({ operations: [operation("a")], nextPageToken: "page-2" });
}

/** JSON answers that are not a ListOperationsResponse object, by what they are. */
const NOT_A_LIST: [string, string][] = [
  ["an array", "[]"],
  ["a string", '"operations"'],
  ["a number", "42"],
  ["null", "null"],
];

describe("the client's operations.list: one page, and a scan of them all", () => {
  test("scan sends exactly the requests listPage sends for the same pages", async () => {
    await withListServer(twoPages, async (client, requests) => {
      const scan = await client.scan(DATABASE, "done=false");
      assert.deepEqual(
        scan.operations.map((view) => view.name),
        [`${DATABASE}/operations/a`, `${DATABASE}/operations/b`],
      );
      assert.equal(scan.complete, true);
      assert.ok(scan.serverTime, "the server's Date header was read");
      const scanned = requests.splice(0);
      assert.deepEqual(scanned, [
        `GET ${LIST_PATH}?pageSize=${DEFAULT_LIST_PAGE_SIZE}&filter=done%3Dfalse`,
        `GET ${LIST_PATH}?pageSize=${DEFAULT_LIST_PAGE_SIZE}&filter=done%3Dfalse&pageToken=page-2`,
      ]);

      const first = await client.listPage(DATABASE, { filter: "done=false" });
      assert.equal(first.nextPageToken, "page-2");
      const second = await client.listPage(DATABASE, { filter: "done=false", pageToken: "page-2" });
      assert.equal(second.nextPageToken, undefined, "the last page has no token");
      assert.deepEqual(requests.splice(0), scanned);

      assert.deepEqual(first.operations[0]?.json, operation("a"), "the operation as the API sent it");
      assert.equal(first.operations[0]?.view.state, "PROCESSING", "and as the client reads it");
      await client.listPage(DATABASE, { pageSize: 7 });
      assert.deepEqual(requests, [`GET ${LIST_PATH}?pageSize=7`], "a chosen page size, no filter");
    });
  });

  for (const [what, text] of NOT_A_LIST) {
    test(`an answer that is ${what} is refused alike by listPage and scan`, async () => {
      await withListServer(
        () => text,
        async (client, requests) => {
          const refusal = {
            name: "MalformedResponseError",
            message: "operations.list answered something that is not a ListOperationsResponse",
          };
          await assert.rejects(client.listPage(DATABASE), refusal);
          await assert.rejects(client.scan(DATABASE), refusal);
          assert.deepEqual(
            requests,
            [
              `GET ${LIST_PATH}?pageSize=${DEFAULT_LIST_PAGE_SIZE}`,
              `GET ${LIST_PATH}?pageSize=${DEFAULT_LIST_PAGE_SIZE}`,
            ],
            "the same request, each sent once",
          );
        },
      );
    });
  }
});
