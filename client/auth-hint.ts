import type { SettingName } from "./setting-error";
import { type ClientSettings, isLoopbackEndpoint } from "./settings";

/**
 * How the emulator's credentials are written again: its `external_account` file's subject token lasts an hour
 * (emulator/credentials.ts), and the emulator names the same command when it refuses an expired one.
 */
export function renewEmulatorCredentials(emulatorUrl: string): string {
  return `firestore-ops-emulator --emulator-url ${emulatorUrl} --write-credentials DIR (DIR: the folder they were written to)`;
}

/**
 * What to check after a 401 (UNAUTHENTICATED): the credentials the request carried, found by the order
 * createAuthHeaders (client/auth-headers.ts) follows, and named as the front end names them.
 */
export function unauthenticatedHint(
  settings: ClientSettings,
  name: SettingName,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const emulator = isLoopbackEndpoint(settings.endpoint);
  const url = new URL(settings.endpoint);
  const renew = emulator
    ? ` If they are the emulator's (--write-credentials), they last an hour: write them again with ${renewEmulatorCredentials(`${url.protocol}//${url.host}`)}.`
    : "";
  if (settings.accessToken) {
    return `The server refused the access token given by ${name("accessToken")}: access tokens last about an hour (get a new one, e.g. "gcloud auth print-access-token"), or leave it unset to use ${name("credentials")} or Application Default Credentials.`;
  }
  if (settings.credentials) {
    return `The server refused the credentials given by ${name("credentials")}: check that the key or account still exists and may use Firestore.${renew}`;
  }
  if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    return `The server refused the credentials in the file GOOGLE_APPLICATION_CREDENTIALS names: check that the key or account still exists and may use Firestore.${renew}`;
  }
  if (emulator) {
    return `No credentials were sent (none is set, and the endpoint is loopback): an emulator started with --auth oauth needs its dev token in ${name("accessToken")}, or the external-account file --write-credentials wrote in ${name("credentials")}.`;
  }
  return `The server refused Application Default Credentials: run "gcloud auth application-default login" again, or set ${name("credentials")} or ${name("accessToken")}.`;
}
