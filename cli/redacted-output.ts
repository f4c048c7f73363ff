import { Redactor } from "../client/redaction";
import { SETTING_ENVIRONMENT } from "../client/settings";
import type { GlobalFlags } from "./args";
import type { ProgressStream } from "./progress-printer";

/** Every secret the command was given: the access token (flag or variable) and the credentials values. */
export function commandRedactor(env: NodeJS.ProcessEnv, flags?: GlobalFlags): Redactor {
  const redactor = new Redactor().add(flags?.accessToken, ...SETTING_ENVIRONMENT.accessToken.map((name) => env[name]));
  // Their values (and the key fields inside them) must never be printed.
  for (const name of SETTING_ENVIRONMENT.credentials) redactor.addCredentials(env[name]);
  return redactor;
}

/**
 * The boundary of the command's output: whatever any part of it writes (errors, retries, progress, an
 * operation's error message as the server sent it) is scrubbed of known secrets and of anything that looks
 * like one. `redactor()` is read at every write, so secrets learnt later (from flags) count too.
 */
export function redactedStream(stream: ProgressStream, redactor: () => Redactor): ProgressStream {
  return {
    write: (text: string) => stream.write(redactor().scrub(text)),
    ...(stream.isTTY === undefined ? {} : { isTTY: stream.isTTY }),
    ...(stream.columns === undefined ? {} : { columns: stream.columns }),
  };
}
