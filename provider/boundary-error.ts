import type { Redactor } from "../client/redaction";
import { scrubPatterns } from "../client/redaction";
import { inTermsOf } from "../client/setting-error";
import { type ConfigKeys, PULUMI_CONFIG_KEYS } from "./config-keys";
import { forEngine } from "./engine-values";

/** Fields the dynamic provider host reads from an initialization failure (the resource then stays in state). */
const HOST_FIELDS = new Set(["id", "properties", "reasons"]);

/**
 * An error as it leaves the package for the Pulumi engine: scrubbed of secrets, without a cause or any object
 * field (library errors hold request configs, headers and bodies). The dynamic provider host prints
 * `${error}: ${error.stack}` for errors of check, diff, read and delete, and the engine shows that line next to
 * the error itself: by default a stack trace with the message twice. With an empty stack that line is the
 * message once, "OperationTimeoutError: Timed out after ...: " (the host adds the last colon); `String(error)`
 * stays the usual "Name: message".
 * Our own errors keep their class (`instanceof` still works); a foreign error becomes a plain Error
 * with its name and scrubbed message.
 */
export function boundaryError(
  raw: unknown,
  redactor: Redactor | undefined,
  keys: ConfigKeys = PULUMI_CONFIG_KEYS,
): Error {
  // A setting's error names the config key, as a Pulumi user set it.
  const error = inTermsOf(raw, (setting) => keys[setting]);
  const scrub = (text: string): string => (redactor ? redactor.scrub(text) : scrubPatterns(text));
  if (!(error instanceof Error)) return bare("Error", scrub(String(error)));
  try {
    for (const key of [...Object.keys(error), "cause"]) {
      const value = (error as unknown as Record<string, unknown>)[key];
      if (typeof value === "string") Object.assign(error, { [key]: scrub(value) });
      // The properties an initialization failure keeps in state: encoded by the host like any result.
      else if (key === "properties" && typeof value === "object" && value !== null) {
        Object.assign(error, { [key]: forEngine(value, "the failure's properties") });
      } else if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
        Object.assign(error, { [key]: value.map(scrub) });
      } else if (!(HOST_FIELDS.has(key) || isPrimitive(value))) {
        if (!delete (error as unknown as Record<string, unknown>)[key]) throw new Error("not configurable");
      }
    }
    error.message = scrub(error.message);
    return asOneLine(error);
  } catch {
    // Read-only fields (gaxios copies them so): start from nothing rather than keep any of it.
    return bare(error.name, scrub(error.message));
  }
}

function bare(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return asOneLine(error);
}

function asOneLine(error: Error): Error {
  const hidden = { writable: true, configurable: true, enumerable: false };
  Object.defineProperty(error, "stack", { ...hidden, value: "" });
  return error;
}

function isPrimitive(value: unknown): boolean {
  return value === null || ["number", "boolean", "undefined"].includes(typeof value);
}
