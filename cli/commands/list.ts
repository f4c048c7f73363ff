import { DEFAULT_LIST_PAGE_SIZE, type RawOperation } from "../../client/admin-client";
import { shortOperationId } from "../../client/names";
import { type CommandContext, writeLine } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { formatTime, progressCell, shortType } from "../format";
import { planList } from "../list-filters";
import { writeResources } from "../resource-output";
import { renderTable } from "../table";
import { targetDatabase } from "../targets";

/** However many pages the server hands out, a list ends; a person would have given --limit long before. */
const MAX_PAGES_PER_QUERY = 1_000;

/**
 * `list`: operations in flight (or all of them) as a table, newest first, or as the API's Operation resources.
 * `--limit N` as in gcloud: pages are fetched only until N operations came back (per query), and at most N are
 * shown; `--page-size` is the API's page size (default: the smaller of --limit and the client's default size).
 */
export async function listCommand({ invocation, session, stdout, stderr }: CommandContext): Promise<ExitCode> {
  const database = targetDatabase(invocation.flags, session.settings.project);
  const plan = planList(invocation.filter, invocation.all);
  const limit = invocation.limit ?? Number.POSITIVE_INFINITY;
  const pageSize = invocation.pageSize ?? Math.min(limit, DEFAULT_LIST_PAGE_SIZE);
  const byName = new Map<string, RawOperation>();
  for (const query of plan.queries) {
    let pageToken: string | undefined;
    let received = 0;
    for (let pages = 0; received < limit; pages++) {
      if (pages === MAX_PAGES_PER_QUERY) {
        stderr.write(
          `firestore-ops: stopped after ${MAX_PAGES_PER_QUERY} pages; --limit or --filter narrows the list.\n`,
        );
        break;
      }
      const page = await session.client.listPage(
        database,
        pageToken ? { filter: query, pageSize, pageToken } : { filter: query, pageSize },
      );
      // An operation that finished between two queries shows up in both; the later answer is the fresher.
      for (const operation of page.operations) byName.set(operation.view.name, operation);
      received += page.operations.length;
      pageToken = page.nextPageToken;
      if (pageToken === undefined) break;
    }
  }
  const operations = [...byName.values()].sort(newestFirst).slice(0, limit);
  const { format } = invocation.flags;
  if (format !== "table") {
    writeResources(
      stdout,
      format,
      operations.map((operation) => operation.json),
      true,
    );
    return EXIT.OK;
  }
  if (operations.length === 0) {
    const what = invocation.filter ? "matching the filter " : "";
    const scope = plan.inFlightOnly ? "in flight " : "";
    const hint = plan.inFlightOnly ? "; --all also shows finished ones" : "";
    writeLine(stdout, `No operations ${what}${scope}in ${database}${hint}.`);
    return EXIT.OK;
  }
  const rows = operations.map(({ view }) => [
    shortOperationId(view.name),
    shortType(view),
    view.state,
    view.done ? "" : progressCell(view),
    formatTime(view.startTime),
  ]);
  writeLine(stdout, renderTable(["ID", "TYPE", "STATE", "PROGRESS", "STARTED"], rows));
  return EXIT.OK;
}

function newestFirst({ view: a }: RawOperation, { view: b }: RawOperation): number {
  const time = (startTime: string | undefined): number => (startTime ? Date.parse(startTime) : 0) || 0;
  return time(b.startTime) - time(a.startTime) || a.name.localeCompare(b.name);
}
