import { InvalidInputError } from "../client/errors";
import type { GlobalFlags } from "./args";

/**
 * The provider's errors name Pulumi config keys; on the command line the same settings are flags and
 * environment variables. Maps each key to what the user actually set, so an error names the right knob.
 */
export type Vocabulary = Record<string, string>;

const CREDENTIALS_ENV = ["GOOGLE_CREDENTIALS", "GOOGLE_CLOUD_KEYFILE_JSON", "GCLOUD_KEYFILE_JSON"];

export function cliVocabulary(flags: GlobalFlags, env: NodeJS.ProcessEnv): Vocabulary {
  return {
    "gcp:firestoreCustomEndpoint": flags.endpoint !== undefined ? "--endpoint" : "FIRESTORE_CUSTOM_ENDPOINT",
    "firestore-operations:allowInsecureEndpoint": "FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT",
    "gcp:accessToken": "--access-token",
    "gcp:credentials": CREDENTIALS_ENV.find((name) => env[name]) ?? "GOOGLE_APPLICATION_CREDENTIALS",
    "gcp:project": "--project",
    project: "--project",
    database: "--database",
    operationName: "NAME",
  };
}

/** The same rule, worded for this command line. Only `gcp:`-style keys are replaced inside the text. */
export function inCliTerms(error: InvalidInputError, vocabulary: Vocabulary): InvalidInputError {
  let rule = error.rule;
  for (const [key, name] of Object.entries(vocabulary)) {
    if (key.includes(":")) rule = rule.split(key).join(name);
  }
  return new InvalidInputError(vocabulary[error.field] ?? error.field, rule);
}
