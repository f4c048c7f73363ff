import type { SettingName } from "../client/setting-error";
import type { GlobalFlags } from "./args";

const CREDENTIALS_ENV = ["GOOGLE_CREDENTIALS", "GOOGLE_CLOUD_KEYFILE_JSON", "GCLOUD_KEYFILE_JSON"];

/**
 * Settings in a command-line user's words: the flag they passed, or the environment variable that set it, so an
 * error names the knob they can turn.
 */
export function cliSettingName(flags: GlobalFlags, env: NodeJS.ProcessEnv): SettingName {
  return (setting) => {
    switch (setting) {
      case "project":
        return "--project";
      case "endpoint":
        return flags.endpoint !== undefined ? "--endpoint" : "FIRESTORE_CUSTOM_ENDPOINT";
      case "accessToken":
        return "--access-token";
      case "credentials":
        return CREDENTIALS_ENV.find((name) => env[name]) ?? "GOOGLE_APPLICATION_CREDENTIALS";
      case "allowInsecureEndpoint":
        return "FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT";
      case "impersonateServiceAccount":
        return "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT";
      case "billingProject":
        return "GOOGLE_BILLING_PROJECT";
      case "userProjectOverride":
        return "USER_PROJECT_OVERRIDE";
    }
  };
}
