/**
 * What a provider method may hand the Pulumi engine. The dynamic provider host encodes every method's result
 * (check's inputs, create's and update's outputs, read's props and inputs, an initialization failure's properties)
 * with protobuf's `Struct.fromJavaScript`, which knows null, booleans, numbers, strings, arrays and plain objects
 * only: one `undefined` anywhere fails the whole method with "Unexpected struct type." and names nothing.
 */

import { FirestoreOperationsError, markClass } from "../client/errors";

/**
 * A provider method's result held a value the Pulumi engine cannot store (a bug of this package, never of the
 * input): thrown instead of the host's nameless "Unexpected struct type.". Carries the value's `path` and what was
 * `found` there.
 */
export class UnencodableValueError extends FirestoreOperationsError {
  override name = "UnencodableValueError";
  constructor(
    /** Where in the result the value sits. */
    readonly path: string,
    /** What it is, in words (e.g. `a function`). */
    readonly found: string,
  ) {
    super(
      `internal error: ${path} is ${found}, which the Pulumi engine cannot store; please report this to pulumi-firestore-operations`,
    );
  }
}
markClass(UnencodableValueError, "UnencodableValueError");

/**
 * A copy of `value` the host can encode, as JSON would store it: an object property holding `undefined` is left out
 * (in JavaScript that is the same as not set) and an `undefined` list item becomes null. Neither is refused: a
 * create or update that failed here would drop an operation already started from the state. What JSON cannot
 * store either (a function, a symbol, a bigint, a non-finite number, a cycle) is refused with its path, so that
 * the cause is named rather than the engine's "Unexpected struct type.".
 */
export function forEngine<T>(value: T, path = "result"): T {
  return copy(value, path, new Set()) as T;
}

function copy(value: unknown, path: string, ancestors: Set<object>): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new UnencodableValueError(path, String(value));
    return value;
  }
  if (typeof value !== "object") throw new UnencodableValueError(path, `a ${typeof value}`);
  if (ancestors.has(value)) throw new UnencodableValueError(path, "a reference to itself");
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item, index) => (item === undefined ? null : copy(item, `${path}[${index}]`, ancestors)));
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = copy(item, `${path}.${key}`, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
