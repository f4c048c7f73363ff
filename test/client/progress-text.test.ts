import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { progressCell } from "../../cli/format";
import { parseOperation } from "../../client/operation-view";
import { describeProgress, NO_ESTIMATE_YET, percentDone } from "../../client/progress-text";

const EXPORT = "type.googleapis.com/google.firestore.admin.v1.ExportDocumentsMetadata";

/** An export's operation as Google sends it, with the metadata fields given. */
const exportOp = (metadata: Record<string, unknown>) =>
  parseOperation({
    name: "projects/p/databases/(default)/operations/op",
    metadata: { "@type": EXPORT, operationState: "PROCESSING", ...metadata },
  });

describe("progress text prints only numbers the server sent", () => {
  test("the start reply (no progress at all): the state alone, no percentage, an empty progress cell", () => {
    const view = exportOp({});
    assert.equal(describeProgress(view), "PROCESSING");
    assert.equal(percentDone(view), undefined);
    assert.equal(progressCell(view), "");
  });

  test("work done before the first estimate: counted, and said to have no estimate yet", () => {
    const view = exportOp({
      progressDocuments: { completedWork: "1310" },
      progressBytes: { completedWork: "917000" },
    });
    assert.equal(describeProgress(view), `PROCESSING 1,310 documents so far, 917.0 KB so far (${NO_ESTIMATE_YET})`);
    assert.equal(percentDone(view), undefined);
    assert.equal(progressCell(view), NO_ESTIMATE_YET);
  });

  test("bytes without documents, and an estimate later: each as sent", () => {
    assert.equal(
      describeProgress(exportOp({ progressBytes: { completedWork: "2000" } })),
      `PROCESSING 2.0 KB so far (${NO_ESTIMATE_YET})`,
    );
    const estimated = exportOp({ progressDocuments: { estimatedWork: "26200", completedWork: "3930" } });
    assert.equal(describeProgress(estimated), "PROCESSING 3,930/26,200 documents (15.0%)");
    assert.equal(percentDone(estimated), 15);
  });

  test("no line ever holds undefined or NaN, whatever subset of the fields the server sent", () => {
    const documents = [
      undefined,
      {},
      { completedWork: "5" },
      { estimatedWork: "10" },
      { estimatedWork: "4", completedWork: "5" },
    ];
    for (const progressDocuments of documents) {
      for (const progressBytes of documents) {
        const view = exportOp({
          ...(progressDocuments ? { progressDocuments } : {}),
          ...(progressBytes ? { progressBytes } : {}),
        });
        const text = `${describeProgress(view)} | ${progressCell(view)}`;
        assert.doesNotMatch(text, /undefined|NaN|Infinity/, JSON.stringify({ progressDocuments, progressBytes }));
      }
    }
  });
});
