import type { SettingName } from "../client/setting-error";
import { SETTING_ENVIRONMENT, type Setting } from "../client/settings";
import type { GlobalFlags } from "./args";

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
        return flags.endpoint !== undefined ? "--endpoint" : onlyVariable(setting);
      case "accessToken":
        return "--access-token";
      case "credentials":
        // Without one of its own variables, the credentials came from Application Default Credentials.
        return SETTING_ENVIRONMENT.credentials.find((name) => env[name]) ?? "GOOGLE_APPLICATION_CREDENTIALS";
      case "allowInsecureEndpoint":
      case "impersonateServiceAccount":
      case "billingProject":
      case "userProjectOverride":
        return onlyVariable(setting);
    }
  };
}

/** The variable of a setting that has no flag and one variable. */
function onlyVariable(setting: Setting): string {
  return SETTING_ENVIRONMENT[setting][0] as string;
}
