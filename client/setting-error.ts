import { InvalidInputError, markClass } from "./errors";
import type { Setting } from "./settings";

/** How a front end names a setting: `gcp:firestoreCustomEndpoint` for the provider, `--endpoint` for firestore-ops. */
export type SettingName = (setting: Setting) => string;

/**
 * A setting broke a rule. It carries the setting, not a name for it: each front end words it for its users
 * ({@link SettingError.wordedFor}), since the same rule is about stack config in Pulumi and a flag on the command
 * line. Worded as is, it names the settings as the client does.
 */
export class SettingError extends InvalidInputError {
  constructor(
    /** The setting at fault. */
    readonly setting: Setting,
    /** The rule it broke, with any other setting it mentions named by `name`. */
    readonly ruleFor: (name: SettingName) => string,
  ) {
    super(
      setting,
      ruleFor((other) => other),
    );
  }

  /** The same error with every setting named as `name` names it. */
  wordedFor(name: SettingName): InvalidInputError {
    return new InvalidInputError(name(this.setting), this.ruleFor(name));
  }
}
markClass(SettingError, "SettingError");

/** `error` worded for a front end, if it is about a setting; any other error as it is. */
export function inTermsOf(error: unknown, name: SettingName): unknown {
  return error instanceof SettingError ? error.wordedFor(name) : error;
}
