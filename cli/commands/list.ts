import type { OperationView } from "../../provider/operation-view";
import { type CommandContext, writeJson, writeLine } from "../command";
import { EXIT, type ExitCode } from "../exit-codes";
import { formatTime, progressCell, shortId, shortType } from "../format";
import { planList } from "../list-filters";
import { renderTable } from "../table";
import { targetDatabase } from "../targets";

/** `list`: operations in flight (or all of them) as a table, newest first. */
export async function listCommand({ invocation, session, stdout }: CommandContext): Promise<ExitCode> {
  const database = targetDatabase(invocation.flags, session.settings.project);
  const plan = planList(invocation.filter, invocation.all);
  const byName = new Map<string, OperationView>();
  for (const query of plan.queries) {
    // An operation that finished between two queries shows up in both; the later answer is the fresher.
    for (const view of await session.client.list(database, query)) byName.set(view.name, view);
  }
  const operations = [...byName.values()].sort(newestFirst);
  if (invocation.flags.json) {
    writeJson(stdout, operations);
    return EXIT.OK;
  }
  if (operations.length === 0) {
    const what = invocation.filter ? "matching the filter " : "";
    const scope = plan.inFlightOnly ? "in flight " : "";
    const hint = plan.inFlightOnly ? "; --all also shows finished ones" : "";
    writeLine(stdout, `No operations ${what}${scope}in ${database}${hint}.`);
    return EXIT.OK;
  }
  const rows = operations.map((view) => [
    shortId(view.name),
    shortType(view),
    view.state,
    view.done ? "" : progressCell(view),
    formatTime(view.startTime),
  ]);
  writeLine(stdout, renderTable(["ID", "TYPE", "STATE", "PROGRESS", "STARTED"], rows));
  return EXIT.OK;
}

function newestFirst(a: OperationView, b: OperationView): number {
  const time = (view: OperationView): number => (view.startTime ? Date.parse(view.startTime) : 0) || 0;
  return time(b) - time(a) || a.name.localeCompare(b.name);
}
