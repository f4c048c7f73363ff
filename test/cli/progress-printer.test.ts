import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProgressPrinter } from "../../cli/progress-printer";
import type { OperationView } from "../../client/operation-view";
import { PROGRESS_INTERVAL_MS } from "../../client/progress-throttle";

/** A terminal cannot be spawned portably, so the printer is driven directly with a recording stream. */
function recorder(
  isTTY: boolean,
  columns = 60,
): { isTTY: boolean; columns: number; text: string; write(t: string): void } {
  return {
    isTTY,
    columns,
    text: "",
    write(t: string) {
      this.text += t;
    },
  };
}

function view(state: string, completed: number): OperationView {
  return {
    name: "projects/p-1234/databases/(default)/operations/ASabc",
    metadataType: "ExportDocumentsMetadata",
    done: state === "SUCCESSFUL",
    state,
    documents: { completed, estimated: 1_000 },
    request: { collectionIds: [], namespaceIds: [] },
  };
}

describe("progress output", () => {
  test("on a TTY: one line rewritten in place, fitted to the width, erased at the end", () => {
    const tty = recorder(true, 120);
    let now = Date.parse("2026-01-01T12:00:00Z");
    const printer = new ProgressPrinter(tty, () => now);
    for (let done = 0; done <= 1_000; done += 100) {
      printer.update(view("PROCESSING", done));
      now += 1_000;
    }
    printer.clear();
    assert.ok(!tty.text.includes("\n"), "never a new line");
    const frames = tty.text.split("\r").filter(Boolean);
    assert.equal(frames.length, 12, "eleven redraws and the final erase");
    assert.equal(
      frames[0],
      "[--------------------] PROCESSING 0/1,000 documents (0.0%); no estimate yet: one reading so far\x1b[K",
    );
    assert.equal(
      frames[5],
      "[##########----------] PROCESSING 500/1,000 documents (50.0%); 100 documents/s, about 5s left (ends about 12:00:10Z)\x1b[K",
    );
    assert.equal(frames.at(-1), "\x1b[K");

    const narrow = recorder(true, 40);
    new ProgressPrinter(narrow).update(view("PROCESSING", 500));
    assert.equal(narrow.text, "\r[##########----------] PROCESSING 50...\x1b[K", "one column short of the width");
  });

  test("without a TTY: a line per state change, and at most one per interval in between", () => {
    const log = recorder(false);
    let now = 0;
    const printer = new ProgressPrinter(log, () => now);
    for (let done = 0; done < 500; done += 10) {
      printer.update(view("PROCESSING", done));
      now += 100;
    }
    now += PROGRESS_INTERVAL_MS;
    printer.update(view("PROCESSING", 600));
    printer.update(view("CANCELLING", 610));
    printer.update(view("CANCELLING", 620));
    const lines = log.text.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((line) => line.replace(/^\d\d:\d\d:\d\dZ ASabc: /, "")),
      [
        "PROCESSING 0/1,000 documents (0.0%); no estimate yet: one reading so far",
        "PROCESSING 600/1,000 documents (60.0%); 49 documents/s, about 8s left (ends about 00:00:18Z)",
        "CANCELLING 610/1,000 documents (61.0%); no estimate while CANCELLING",
      ],
    );
  });
});
