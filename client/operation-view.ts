import { MalformedResponseError } from "./errors";
import { printable } from "./text";

/** The states of google.firestore.admin.v1.OperationState, by wire number. */
const STATES = [
  "OPERATION_STATE_UNSPECIFIED",
  "INITIALIZING",
  "PROCESSING",
  "CANCELLING",
  "FINALIZING",
  "SUCCESSFUL",
  "FAILED",
  "CANCELLED",
] as const;

export interface Progress {
  completed: number;
  estimated: number;
}

/** A validated, normalized google.longrunning.Operation: what the rest of the package works with. */
export interface OperationView {
  name: string;
  /** Short metadata type, e.g. ExportDocumentsMetadata; "" when the server sent none. */
  metadataType: string;
  done: boolean;
  /**
   * OperationState name. When `done` is true it is one of SUCCESSFUL, FAILED, CANCELLED, derived from the
   * result when the metadata disagrees or is missing (the result is authoritative).
   */
  state: string;
  documents?: Progress;
  bytes?: Progress;
  /** Restore and clone: `progressPercentage`, a Progress out of 100 (they report no documents or bytes). */
  percentage?: Progress;
  startTime?: string;
  endTime?: string;
  outputUriPrefix?: string;
  /** What an index, field or restore/clone operation works on: metadata `index`, `field` or `database`. */
  resource?: string;
  error?: { code: number; message: string };
  /** The request as the metadata echoes it: what ties an operation found by listing to a request we sent. */
  request: {
    collectionIds: string[];
    namespaceIds: string[];
    outputUriPrefix?: string;
    inputUriPrefix?: string;
    snapshotTime?: string;
  };
}

const MAX_TEXT = 2_000;

/**
 * Reads a server's Operation JSON defensively: wrong types are errors, unknown states are kept as text,
 * nothing from the server can make us allocate without bound (strings are capped).
 */
export function parseOperation(json: unknown, expectedName?: string): OperationView {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new MalformedResponseError(`expected an Operation object, got ${describe(json)}`);
  }
  const op = json as Record<string, unknown>;
  const name = op.name;
  if (typeof name !== "string" || name === "") throw new MalformedResponseError("the Operation has no name");
  if (expectedName !== undefined && name !== expectedName) {
    throw new MalformedResponseError(`asked for ${expectedName}, the server answered about ${cap(name)}`);
  }
  const done = op.done === undefined || op.done === null ? false : op.done;
  if (typeof done !== "boolean") throw new MalformedResponseError(`done must be a boolean, got ${describe(op.done)}`);

  const metadata = isRecord(op.metadata) ? op.metadata : {};
  const type = typeof metadata["@type"] === "string" ? (metadata["@type"] as string) : "";
  const rawState = metadata.operationState ?? metadata.state;
  let state = stateName(rawState);

  let error: OperationView["error"];
  if (op.error !== undefined && op.error !== null) {
    if (!isRecord(op.error))
      throw new MalformedResponseError(`error must be a Status object, got ${describe(op.error)}`);
    const code = op.error.code ?? 2;
    if (typeof code !== "number" || !Number.isInteger(code)) {
      throw new MalformedResponseError(`error.code must be an integer, got ${describe(op.error.code)}`);
    }
    error = { code, message: typeof op.error.message === "string" ? cap(op.error.message) : "" };
  }
  if (done) {
    // The result decides: CANCELLED is error code 1, any other error is FAILED. Done with neither error nor
    // response ("some services might not provide the result"): trust a terminal metadata state, else success.
    if (error) state = error.code === 1 ? "CANCELLED" : "FAILED";
    else if (op.response === undefined || op.response === null) state = isTerminalState(state) ? state : "SUCCESSFUL";
    else state = "SUCCESSFUL";
  } else if (error) {
    throw new MalformedResponseError("an Operation that is not done must not carry an error");
  }

  const request: OperationView["request"] = {
    collectionIds: stringList(metadata.collectionIds),
    namespaceIds: stringList(metadata.namespaceIds),
  };
  for (const key of ["outputUriPrefix", "inputUriPrefix", "snapshotTime"] as const) {
    if (typeof metadata[key] === "string") request[key] = cap(metadata[key] as string);
  }
  const view: OperationView = {
    name: cap(name),
    metadataType: cap(type.slice(type.lastIndexOf(".") + 1)),
    done,
    state,
    request,
  };
  const documents = progress(metadata.progressDocuments, "progressDocuments");
  const bytes = progress(metadata.progressBytes, "progressBytes");
  const percentage = progress(metadata.progressPercentage, "progressPercentage");
  if (documents) view.documents = documents;
  if (bytes) view.bytes = bytes;
  if (percentage) view.percentage = percentage;
  if (typeof metadata.startTime === "string") view.startTime = cap(metadata.startTime);
  if (typeof metadata.endTime === "string") view.endTime = cap(metadata.endTime);
  const responsePrefix = isRecord(op.response) ? op.response.outputUriPrefix : undefined;
  const prefix = responsePrefix ?? metadata.outputUriPrefix;
  if (typeof prefix === "string") view.outputUriPrefix = cap(prefix);
  const resource = metadata.index ?? metadata.field ?? metadata.database;
  if (typeof resource === "string") view.resource = cap(resource);
  if (error) view.error = error;
  return view;
}

function stringList(raw: unknown): string[] {
  return Array.isArray(raw)
    ? raw
        .filter((v): v is string => typeof v === "string")
        .slice(0, 1_000)
        .map(cap)
    : [];
}

function stateName(raw: unknown): string {
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw < STATES.length) return STATES[raw] as string;
  if (typeof raw === "string" && raw !== "") return cap(raw);
  return "OPERATION_STATE_UNSPECIFIED";
}

/** int64 arrives as a decimal string (or a number); zero values are omitted by proto3 JSON. */
function progress(raw: unknown, field: string): Progress | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new MalformedResponseError(`${field} must be a Progress object, got ${describe(raw)}`);
  return {
    completed: int64(raw.completedWork, `${field}.completedWork`),
    estimated: int64(raw.estimatedWork, `${field}.estimatedWork`),
  };
}

function int64(raw: unknown, field: string): number {
  if (raw === undefined || raw === null) return 0;
  const value = typeof raw === "string" && /^-?\d{1,20}$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new MalformedResponseError(`${field} must be a non-negative int64, got ${describe(raw)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every string of the view passes here: cut, and made printable, since any of them may end up on a terminal. */
function cap(text: string): string {
  const clean = printable(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT + 1) : text);
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}...` : clean;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string "${cap(value).slice(0, 40)}"`;
  return typeof value;
}

export function isTerminalState(state: string): boolean {
  return state === "SUCCESSFUL" || state === "FAILED" || state === "CANCELLED";
}
