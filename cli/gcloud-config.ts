import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The project of gcloud's active configuration, read the way gcloud reads it: the configuration folder is
 * CLOUDSDK_CONFIG or ~/.config/gcloud; the active configuration is CLOUDSDK_ACTIVE_CONFIG_NAME, else the
 * `active_config` file, else "default"; its file `configurations/config_NAME` is INI, with the project under
 * `[core] project`. Undefined when any of it is missing: gcloud is optional.
 */
export function gcloudProject(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME || os.homedir();
  const dir = env.CLOUDSDK_CONFIG || path.join(home, ".config", "gcloud");
  const active = env.CLOUDSDK_ACTIVE_CONFIG_NAME || readText(path.join(dir, "active_config"))?.trim() || "default";
  // A name with a path separator cannot be a configuration: never read outside the folder.
  if (!/^[\w.-]+$/.test(active)) return undefined;
  const text = readText(path.join(dir, "configurations", `config_${active}`));
  return text === undefined ? undefined : iniValue(text, "core", "project");
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** `key = value` in `[section]` of an INI text (gcloud writes nothing fancier: no quoting, no continuation). */
function iniValue(text: string, section: string, key: string): string | undefined {
  let current = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = (header[1] as string).trim();
      continue;
    }
    const pair = /^([^=:]+)[=:](.*)$/.exec(line);
    if (current === section && pair && (pair[1] as string).trim() === key) {
      return (pair[2] as string).trim() || undefined;
    }
  }
  return undefined;
}
