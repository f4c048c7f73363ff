import type { FirestoreAdminClient } from "../client/admin-client";
import { createAdminClient } from "../client/create-client";
import { checkProjectId } from "../client/names";
import type { SettingName } from "../client/setting-error";
import { type ClientSettings, type Setting, settingsFrom } from "../client/settings";
import type { GlobalFlags } from "./args";
import { gcloudProject } from "./gcloud-config";
import type { ProgressStream } from "./progress-printer";
import { cliSettingName } from "./setting-names";

/** What every command works with: settings checked by the client's rules, and the client. */
export interface Session {
  settings: ClientSettings;
  /** Every Admin API call the CLI makes: the same reading of operations, retries and waits as the provider's. */
  client: FirestoreAdminClient;
  /** How this command line names each setting, for errors about one. */
  settingName: SettingName;
  /** The environment the settings came from (credentials in it included), for hints about them. */
  env: NodeJS.ProcessEnv;
}

/**
 * A person is waiting: fewer attempts than the provider's 6 (about 3.5 s of backoff instead of 15 s against an
 * endpoint that keeps failing; a refused connection gets 3 in all), and each retry is said on stderr, so a
 * wait never looks like a hang.
 */
const CLI_MAX_ATTEMPTS = 4;

/**
 * Flags stand in for the stack config keys they mirror; everything else (GOOGLE_CLOUD_PROJECT,
 * FIRESTORE_CUSTOM_ENDPOINT, credentials, ADC) falls back to the environment exactly as in the provider, and the
 * project last to gcloud's active configuration, as gcloud users expect.
 * Throws InvalidInputError (endpoint policy and the like) before any request is made.
 */
export function openSession(flags: GlobalFlags, env: NodeJS.ProcessEnv, stderr?: ProgressStream): Session {
  const given: Partial<Record<Setting, string | undefined>> = {
    project: flags.project,
    endpoint: flags.endpoint,
    accessToken: flags.accessToken,
  };
  const settings = settingsFrom((setting) => given[setting], env);
  if (settings.project === undefined) {
    const project = gcloudProject(env);
    if (project !== undefined) settings.project = checkProjectId(project, "project (gcloud config)");
  }
  const client = createAdminClient(settings, {
    maxAttempts: CLI_MAX_ATTEMPTS,
    onRetry: ({ method, path, attempt, maxAttempts, reason }) =>
      stderr?.write(`Retrying ${method} ${path} (attempt ${attempt + 1} of ${maxAttempts}): ${reason}\n`),
  });
  return {
    settings,
    client,
    settingName: cliSettingName(flags, env),
    env,
  };
}
