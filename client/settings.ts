import { InvalidInputError } from "./errors";
import { quote, trimTrailingSlashes } from "./text";

/**
 * Provider settings, from the same stack config keys (and environment variables) as @pulumi/gcp, read in the
 * dynamic provider's configure step. Nothing here is ever written to state.
 */
export interface ProviderSettings {
  project?: string;
  /** Base URL of the Admin API, ending in `/v1/`. */
  endpoint: string;
  /** Service-account or external-account JSON, inline or as a file path. */
  credentials?: string;
  accessToken?: string;
  impersonateServiceAccount?: string;
  /** Sent as x-goog-user-project when userProjectOverride is on, as @pulumi/gcp does. */
  userProject?: string;
  /** Permits http:// to a host that is not loopback. Off unless the user opts in. */
  allowInsecureEndpoint: boolean;
}

export const DEFAULT_ENDPOINT = "https://firestore.googleapis.com/v1/";

type Lookup = (key: string) => string | undefined;

function first(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes"].includes(value.toLowerCase());
}

export function settingsFrom(config: Lookup, env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const settings: ProviderSettings = {
    endpoint: normalizeEndpoint(
      first(config("gcp:firestoreCustomEndpoint"), env.FIRESTORE_CUSTOM_ENDPOINT) ?? DEFAULT_ENDPOINT,
    ),
    allowInsecureEndpoint: truthy(
      first(config("firestore-operations:allowInsecureEndpoint"), env.FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT),
    ),
  };
  const project = first(
    config("gcp:project"),
    env.GOOGLE_PROJECT,
    env.GOOGLE_CLOUD_PROJECT,
    env.GCLOUD_PROJECT,
    env.CLOUDSDK_CORE_PROJECT,
  );
  const credentials = first(
    config("gcp:credentials"),
    env.GOOGLE_CREDENTIALS,
    env.GOOGLE_CLOUD_KEYFILE_JSON,
    env.GCLOUD_KEYFILE_JSON,
  );
  const accessToken = first(config("gcp:accessToken"), env.GOOGLE_OAUTH_ACCESS_TOKEN);
  const impersonate = first(config("gcp:impersonateServiceAccount"), env.GOOGLE_IMPERSONATE_SERVICE_ACCOUNT);
  const billingProject = first(config("gcp:billingProject"), env.GOOGLE_BILLING_PROJECT);
  const override = truthy(first(config("gcp:userProjectOverride"), env.USER_PROJECT_OVERRIDE));
  if (project) settings.project = project;
  if (credentials) settings.credentials = credentials;
  if (accessToken) settings.accessToken = accessToken;
  if (impersonate) settings.impersonateServiceAccount = impersonate;
  if (override && billingProject) settings.userProject = billingProject;
  checkEndpoint(settings.endpoint, settings.allowInsecureEndpoint);
  return settings;
}

/** @pulumi/gcp custom endpoints include the version path (`https://firestore.googleapis.com/v1/`). */
export function normalizeEndpoint(endpoint: string): string {
  const trimmed = trimTrailingSlashes(endpoint.trim());
  return /\/v1$/.test(trimmed) ? `${trimmed}/` : `${trimmed}/v1/`;
}

export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** https anywhere; plain http only to loopback (the emulator) unless explicitly allowed. */
export function checkEndpoint(endpoint: string, allowInsecure: boolean): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidInputError("gcp:firestoreCustomEndpoint", `${quote(endpoint, 80)} is not a URL`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InvalidInputError("gcp:firestoreCustomEndpoint", "must not contain credentials, a query or a fragment");
  }
  if (url.protocol === "https:") return;
  if (url.protocol !== "http:") {
    throw new InvalidInputError(
      "gcp:firestoreCustomEndpoint",
      `must be https:// (or http:// to loopback), got ${url.protocol}`,
    );
  }
  if (!isLoopbackEndpoint(endpoint) && !allowInsecure) {
    throw new InvalidInputError(
      "gcp:firestoreCustomEndpoint",
      `plain http is only allowed to loopback addresses; set firestore-operations:allowInsecureEndpoint=true to send tokens to ${url.host} unencrypted`,
    );
  }
}
