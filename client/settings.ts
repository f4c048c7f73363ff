import { FETCH_BAD_PORTS } from "./fetch-ports";
import { SettingError } from "./setting-error";
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

/**
 * The settings a client reads, by what they are. Each front end has its own name for each: the provider the stack
 * config keys of @pulumi/gcp (provider/config-keys.ts), firestore-ops its flags and environment variables.
 */
export const SETTINGS = [
  "project",
  "endpoint",
  "credentials",
  "accessToken",
  "impersonateServiceAccount",
  "billingProject",
  "userProjectOverride",
  "allowInsecureEndpoint",
] as const;

export type Setting = (typeof SETTINGS)[number];

/** What a front end was given for a setting (its stack config, its flags); the environment comes after it. */
type Lookup = (setting: Setting) => string | undefined;

function first(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes"].includes(value.toLowerCase());
}

export function settingsFrom(config: Lookup, env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const settings: ProviderSettings = {
    endpoint: normalizeEndpoint(first(config("endpoint"), env.FIRESTORE_CUSTOM_ENDPOINT) ?? DEFAULT_ENDPOINT),
    allowInsecureEndpoint: truthy(first(config("allowInsecureEndpoint"), env.FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT)),
  };
  const project = first(
    config("project"),
    env.GOOGLE_PROJECT,
    env.GOOGLE_CLOUD_PROJECT,
    env.GCLOUD_PROJECT,
    env.CLOUDSDK_CORE_PROJECT,
  );
  const credentials = first(
    config("credentials"),
    env.GOOGLE_CREDENTIALS,
    env.GOOGLE_CLOUD_KEYFILE_JSON,
    env.GCLOUD_KEYFILE_JSON,
  );
  const accessToken = first(config("accessToken"), env.GOOGLE_OAUTH_ACCESS_TOKEN);
  const impersonate = first(config("impersonateServiceAccount"), env.GOOGLE_IMPERSONATE_SERVICE_ACCOUNT);
  const billingProject = first(config("billingProject"), env.GOOGLE_BILLING_PROJECT);
  const override = truthy(first(config("userProjectOverride"), env.USER_PROJECT_OVERRIDE));
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

/** https anywhere; plain http only to loopback (the emulator) unless explicitly allowed; never a port fetch refuses. */
export function checkEndpoint(endpoint: string, allowInsecure: boolean): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SettingError("endpoint", () => `${quote(endpoint, 80)} is not a URL`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new SettingError("endpoint", () => "must not contain credentials, a query or a fragment");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SettingError("endpoint", () => `must be https:// (or http:// to loopback), got ${url.protocol}`);
  }
  if (url.port !== "" && FETCH_BAD_PORTS.has(Number(url.port))) {
    throw new SettingError(
      "endpoint",
      () =>
        `port ${url.port} is one Node's fetch refuses to connect to (a "bad port" of the Fetch standard), so no request could ever be sent to ${url.host}; use another port (the emulator's --port, for example 8085)`,
    );
  }
  if (url.protocol === "https:") return;
  if (!isLoopbackEndpoint(endpoint) && !allowInsecure) {
    throw new SettingError(
      "endpoint",
      (name) =>
        `plain http is only allowed to loopback addresses; set ${name("allowInsecureEndpoint")}=true to send tokens to ${url.host} unencrypted`,
    );
  }
}
