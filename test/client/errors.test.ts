/**
 * One way to recognise this package's errors: `instanceof`, which holds across two copies of the package (the
 * program's and the dynamic provider's) because each class checks a registry-symbol marker, and which an unrelated
 * Error that merely has the same `name` does not pass.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import * as clientErrors from "../../client/errors";
import * as providerErrors from "../../provider/cancel-lost-error";
import * as packageExports from "../../provider/index";

/** The error modules under test: the client's, and the provider's own (which extends the client's base class). */
const ERROR_MODULES = { client: "../../client/errors", provider: "../../provider/cancel-lost-error" } as const;
const ours = { ...clientErrors, ...providerErrors };

/**
 * A second copy of the compiled error modules, loaded from their own files (in the same folder layout, so the
 * provider's module requires the copy's client module) as another copy of the package would be.
 */
function loadSecondCopy(): { copy: typeof ours; folder: string } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "errors-copy-"));
  const load = (module: string): object => {
    const file = path.join(folder, path.relative(path.resolve(__dirname, "../.."), require.resolve(module)));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(require.resolve(module), file);
    return createRequire(file)(file);
  };
  const client = load(ERROR_MODULES.client);
  const provider = load(ERROR_MODULES.provider);
  return { copy: { ...client, ...provider } as typeof ours, folder };
}

/** One instance of each class of the modules, keyed by class name. */
function oneOfEach(errors: typeof ours): Record<string, Error> {
  return {
    FirestoreOperationsError: new errors.FirestoreOperationsError("base"),
    InvalidInputError: new errors.InvalidInputError("outputUriPrefix", "must start with gs://"),
    ApiRequestError: new errors.ApiRequestError("refused", {
      httpStatus: 429,
      status: "RESOURCE_EXHAUSTED",
      ambiguous: false,
    }),
    OperationTimeoutError: new errors.OperationTimeoutError("timed out", "operations/x", "PROCESSING"),
    DeadlineExceededError: new errors.DeadlineExceededError("the delete timeout"),
    InterruptedError: new errors.InterruptedError("interrupted", { ambiguous: true }),
    CredentialsError: new errors.CredentialsError("no token"),
    CancelUnimplementedError: new errors.CancelUnimplementedError("cannot cancel"),
    CancelLostError: new errors.CancelLostError("finished anyway"),
    AmbiguousStartError: new errors.AmbiguousStartError("which one?", ["operations/a", "operations/b"]),
    MalformedResponseError: new errors.MalformedResponseError("not an Operation"),
  };
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes a module exports, keyed by export name. */
function classesOf(module: object): Record<string, ErrorClass> {
  return Object.fromEntries(
    Object.entries(module as Record<string, unknown>).filter(
      (entry): entry is [string, ErrorClass] => typeof entry[1] === "function" && entry[1].prototype instanceof Error,
    ),
  );
}

describe("error classes across two copies of the package", () => {
  const { copy, folder } = loadSecondCopy();
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  test("the second copy is a different module with different classes", () => {
    assert.notEqual(copy.ApiRequestError, ours.ApiRequestError);
    const theirs = new copy.ApiRequestError("x", { httpStatus: 500, ambiguous: true });
    // The ordinary prototype check fails across the copies: what instanceof passes below is the marker.
    assert.equal(Function.prototype[Symbol.hasInstance].call(ours.ApiRequestError, theirs), false);
    // The copy's provider error extends the copy's base class, as in a second installed package.
    assert.equal(Object.getPrototypeOf(copy.CancelLostError), copy.FirestoreOperationsError);
    assert.notEqual(copy.FirestoreOperationsError, ours.FirestoreOperationsError);
  });

  test("every class recognises its own errors from either copy, in both directions, and no other class's", () => {
    const ourClasses = classesOf(ours);
    const theirClasses = classesOf(copy);
    assert.deepEqual(Object.keys(ourClasses).sort(), Object.keys(oneOfEach(ours)).sort(), "one instance per class");
    for (const [made, by] of [
      [oneOfEach(copy), ourClasses],
      [oneOfEach(ours), theirClasses],
    ] as const) {
      for (const [className, error] of Object.entries(made)) {
        for (const [otherName, errorClass] of Object.entries(by)) {
          const expected = otherName === className || otherName === "FirestoreOperationsError";
          assert.equal(error instanceof errorClass, expected, `${className} instanceof ${otherName}`);
        }
      }
    }
  });

  test("the deprecated guards answer as instanceof does, across copies", () => {
    const theirs = new copy.ApiRequestError("x", { httpStatus: 404, status: "NOT_FOUND", ambiguous: false });
    assert.equal(ours.isApiRequestError(theirs), true);
    assert.equal(ours.isFirestoreOperationsError(theirs), true);
    assert.equal(ours.fieldOf(new copy.InvalidInputError("timeouts.delete", "must be a duration")), "timeouts.delete");
  });

  test("an unrelated Error with the same name and fields is not one of ours", () => {
    const impostor = Object.assign(new Error("not ours"), {
      name: "ApiRequestError",
      httpStatus: 404,
      status: "NOT_FOUND",
      ambiguous: false,
    });
    assert.equal(impostor instanceof ours.ApiRequestError, false);
    assert.equal(impostor instanceof ours.FirestoreOperationsError, false);
    assert.equal(ours.isApiRequestError(impostor), false);
    assert.equal(ours.isFirestoreOperationsError(impostor), false);
    const namedLikeInput = Object.assign(new Error("x"), { name: "InvalidInputError", field: "project" });
    assert.equal(ours.fieldOf(namedLikeInput), undefined);
  });

  test("a subclass a user writes keeps the ordinary check: its parent's errors are not its instances", () => {
    class Mine extends ours.ApiRequestError {}
    assert.equal(new Mine("x", { httpStatus: 0, ambiguous: true }) instanceof ours.ApiRequestError, true);
    assert.equal(new Mine("x", { httpStatus: 0, ambiguous: true }) instanceof Mine, true);
    assert.equal(new ours.ApiRequestError("x", { httpStatus: 0, ambiguous: true }) instanceof Mine, false);
  });
});

describe("the package's exported errors", () => {
  test("every exported error class carries its own marker and its own instanceof", () => {
    const exported = Object.entries(classesOf(packageExports));
    for (const name of [
      "CredentialsError",
      "InterruptedError",
      "DeadlineExceededError",
      "JournalFolderError",
      "CancelLostError",
    ]) {
      assert.ok(
        exported.some(([exportedName]) => exportedName === name),
        `${name} is exported`,
      );
    }
    for (const [name, errorClass] of exported) {
      assert.ok(Object.hasOwn(errorClass, Symbol.hasInstance), `${name} defines its own Symbol.hasInstance`);
      const marker = Symbol.for(`pulumi-firestore-operations/${name}`);
      assert.equal((errorClass.prototype as unknown as Record<symbol, unknown>)[marker], true, `${name}'s marker`);
      assert.ok(errorClass.prototype instanceof ours.FirestoreOperationsError, `${name} is one of ours`);
    }
  });
});
