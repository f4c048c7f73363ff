import * as fs from "node:fs";
import { GoogleAuth, Impersonated } from "google-auth-library";
import { redactorFor } from "./redaction";
import { SettingError } from "./setting-error";
import type { ClientSettings } from "./settings";
import { isLoopbackEndpoint } from "./settings";
import { tokenError } from "./token-errors";

export const DATASTORE_SCOPE = "https://www.googleapis.com/auth/datastore";

/** Produces the Authorization header for a request; tokens are cached and refreshed by google-auth-library. */
export interface AuthHeaders {
  headers(url: string): Promise<Record<string, string>>;
}

/** Requests without credentials: for an emulator on loopback (auth none). */
const NO_CREDENTIALS: AuthHeaders = { headers: async () => ({}) };

/**
 * Credentials in @pulumi/gcp's order: an access token, then credentials JSON (inline or a file), then
 * Application Default Credentials; optionally impersonating a service account. To a loopback endpoint with
 * none of them configured (GOOGLE_APPLICATION_CREDENTIALS included), no credentials at all: ADC would probe the
 * metadata server first (seconds, a warning, and traffic to 169.254.169.254) for a token an emulator does not
 * need. Every failure is an error that holds no secret and no library error.
 */
export function createAuthHeaders(settings: ClientSettings, env: NodeJS.ProcessEnv = process.env): AuthHeaders {
  if (settings.accessToken) {
    const token = settings.accessToken;
    return { headers: async () => ({ authorization: `Bearer ${token}` }) };
  }
  if (!settings.credentials && !env.GOOGLE_APPLICATION_CREDENTIALS && isLoopbackEndpoint(settings.endpoint)) {
    return NO_CREDENTIALS;
  }
  const redactor = redactorFor(settings);
  const auth = new GoogleAuth({
    scopes: [DATASTORE_SCOPE],
    ...(settings.credentials ? { credentials: readCredentials(settings.credentials) } : {}),
  });
  let client: Promise<{ getRequestHeaders(url?: string): Promise<Headers | Record<string, string>> }> | undefined;
  const loadClient = async () => {
    try {
      const source = await auth.getClient();
      if (!settings.impersonateServiceAccount) return source;
      return new Impersonated({
        sourceClient: source,
        targetPrincipal: settings.impersonateServiceAccount,
        targetScopes: [DATASTORE_SCOPE],
        lifetime: 3600,
      });
    } catch (error) {
      const first = redactor.scrub(String((error as Error)?.message ?? error).split("\n")[0] ?? "");
      throw new SettingError(
        "credentials",
        (name) =>
          `no usable Google credentials (${first.slice(0, 300)}). Run "gcloud auth application-default login", or set ${name("credentials")} or ${name("accessToken")}`,
      );
    }
  };
  return {
    async headers(url: string) {
      client ??= loadClient();
      const resolved = await client;
      let headers: Headers | Record<string, string>;
      try {
        headers = await resolved.getRequestHeaders(url);
      } catch (error) {
        throw tokenError(error, redactor);
      }
      const out: Record<string, string> = {};
      if (headers instanceof Headers) {
        headers.forEach((value, key) => {
          out[key] = value;
        });
      } else Object.assign(out, headers);
      return out;
    },
  };
}

/**
 * Inline JSON, or the path of a JSON file. The value is never echoed: what is not JSON may well be a key in
 * another form (base64, a bare PEM block) rather than a path.
 */
function readCredentials(value: string): Record<string, unknown> {
  const inline = value.trim().startsWith("{");
  const text = inline ? value : readFile(value);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    throw new SettingError("credentials", () =>
      inline
        ? "is not valid credentials JSON; give the key file's JSON, or its path"
        : "names a file that is not credentials JSON; give the key file's JSON, or its path",
    );
  }
}

function readFile(value: string): string {
  try {
    return fs.readFileSync(value, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new SettingError(
      "credentials",
      () =>
        `is neither credentials JSON nor the path of a readable file (${code}; the value is not shown, since it may be a key); give the key file's JSON, or its path`,
    );
  }
}
