import { Redactor } from "../client/redaction";
import type { GlobalFlags } from "./args";
import type { ProgressStream } from "./progress-printer";

/** Credentials variables whose values (and key fields) must never be printed. */
const CREDENTIAL_VARIABLES = ["GOOGLE_CREDENTIALS", "GOOGLE_CLOUD_KEYFILE_JSON", "GCLOUD_KEYFILE_JSON"];

/** Every secret the command was given: the access token (flag or variable) and the credentials values. */
export function commandRedactor(env: NodeJS.ProcessEnv, flags?: GlobalFlags): Redactor {
  const redactor = new Redactor().add(flags?.accessToken, env.GOOGLE_OAUTH_ACCESS_TOKEN);
  for (const name of CREDENTIAL_VARIABLES) redactor.addCredentials(env[name]);
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
