import { FETCH_BAD_PORTS } from "./fetch-ports";
import { SettingError } from "./setting-error";
import { quote, trimTrailingSlashes } from "./text";

/**
 * What a client needs to reach the Admin API, read from a front end's own settings and then the environment.
 * Nothing here is ever written anywhere.
 */
export interface ClientSettings {
  project?: string;
  /** Base URL of the Admin API, ending in `/v1/`. */
  endpoint: string;
  /** Service-account or external-account JSON, inline or as a file path. */
  credentials?: string;
  accessToken?: string;
  impersonateServiceAccount?: string;
  /** Sent as x-goog-user-project when userProjectOverride is on, as Google's Terraform provider does. */
  userProject?: string;
  /** Permits http:// to a host that is not loopback. Off unless the user opts in. */
  allowInsecureEndpoint: boolean;
}

export const DEFAULT_ENDPOINT = "https://firestore.googleapis.com/v1/";

/**
 * The settings a client reads, by what they are. Each front end has its own name for each (its configuration
 * keys, its flags); the environment variables are shared (SETTING_ENVIRONMENT).
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

/**
 * The environment variables of each setting, the first one set winning: those of Google's Terraform provider (so
 * that tools built on it read the same), plus this project's own for what it alone has. Read after what a front
 * end was given.
 */
export const SETTING_ENVIRONMENT: Record<Setting, readonly string[]> = {
  project: ["GOOGLE_PROJECT", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"],
  endpoint: ["FIRESTORE_CUSTOM_ENDPOINT"],
  credentials: ["GOOGLE_CREDENTIALS", "GOOGLE_CLOUD_KEYFILE_JSON", "GCLOUD_KEYFILE_JSON"],
  accessToken: ["GOOGLE_OAUTH_ACCESS_TOKEN"],
  impersonateServiceAccount: ["GOOGLE_IMPERSONATE_SERVICE_ACCOUNT"],
  billingProject: ["GOOGLE_BILLING_PROJECT"],
  userProjectOverride: ["USER_PROJECT_OVERRIDE"],
  allowInsecureEndpoint: ["FIRESTORE_OPS_ALLOW_INSECURE_ENDPOINT"],
};

/** What a front end was given for a setting (its stack config, its flags); the environment comes after it. */
type Lookup = (setting: Setting) => string | undefined;

function first(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes"].includes(value.toLowerCase());
}

export function settingsFrom(config: Lookup, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const read = (setting: Setting): string | undefined =>
    first(config(setting), ...SETTING_ENVIRONMENT[setting].map((name) => env[name]));
  const settings: ClientSettings = {
    endpoint: normalizeEndpoint(read("endpoint") ?? DEFAULT_ENDPOINT),
    allowInsecureEndpoint: truthy(read("allowInsecureEndpoint")),
  };
  const project = read("project");
  const credentials = read("credentials");
  const accessToken = read("accessToken");
  const impersonate = read("impersonateServiceAccount");
  const billingProject = read("billingProject");
  const override = truthy(read("userProjectOverride"));
  if (project) settings.project = project;
  if (credentials) settings.credentials = credentials;
  if (accessToken) settings.accessToken = accessToken;
  if (impersonate) settings.impersonateServiceAccount = impersonate;
  if (override && billingProject) settings.userProject = billingProject;
  checkEndpoint(settings.endpoint, settings.allowInsecureEndpoint);
  return settings;
}

/** Custom endpoints, as Google's Terraform provider writes them, include the version path (`https://firestore.googleapis.com/v1/`). */
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
