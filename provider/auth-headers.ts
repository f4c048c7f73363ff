import * as fs from "node:fs";
import { GoogleAuth, Impersonated } from "google-auth-library";
import { InvalidInputError } from "./errors";
import type { ProviderSettings } from "./settings";
import { isLoopbackEndpoint } from "./settings";

export const DATASTORE_SCOPE = "https://www.googleapis.com/auth/datastore";

/** Produces the Authorization header for a request; tokens are cached and refreshed by google-auth-library. */
export interface AuthHeaders {
  headers(url: string): Promise<Record<string, string>>;
}

/**
 * Credentials in @pulumi/gcp's order: an access token, then credentials JSON (inline or a file), then
 * Application Default Credentials; optionally impersonating a service account.
 */
export function createAuthHeaders(settings: ProviderSettings): AuthHeaders {
  if (settings.accessToken) {
    const token = settings.accessToken;
    return { headers: async () => ({ authorization: `Bearer ${token}` }) };
  }
  const auth = new GoogleAuth({
    scopes: [DATASTORE_SCOPE],
    ...(settings.credentials ? { credentials: readCredentials(settings.credentials) } : {}),
  });
  let client:
    | Promise<{ getRequestHeaders(url?: string): Promise<Headers | Record<string, string>> } | undefined>
    | undefined;
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
      // Without any credentials, the local emulator (auth none) is still usable.
      if (!settings.credentials && isLoopbackEndpoint(settings.endpoint)) return undefined;
      throw new InvalidInputError(
        "gcp:credentials",
        `no Google credentials found (${(error as Error).message.split("\n")[0]}). Run "gcloud auth application-default login", or set gcp:credentials or gcp:accessToken`,
      );
    }
  };
  return {
    async headers(url: string) {
      client ??= loadClient();
      const resolved = await client;
      if (!resolved) return {};
      const headers = await resolved.getRequestHeaders(url);
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

function readCredentials(value: string): Record<string, unknown> {
  const text = value.trim().startsWith("{") ? value : readFile(value);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch {
    // Never echo the content: it may hold a private key.
    throw new InvalidInputError("gcp:credentials", "is neither credentials JSON nor the path of a JSON file");
  }
}

function readFile(path: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(
      "gcp:credentials",
      `cannot read the credentials file ${path}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
}
