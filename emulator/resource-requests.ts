import { ApiError } from "./api-error";
import { parseBackupName, renderBackup } from "./backups";
import { RESOURCE_ENDPOINTS } from "./behaviour";
import { parseUpdateDatabaseRequest } from "./database-requests";
import { renderDatabase } from "./dataset";
import { parseFieldPatch, renderField } from "./fields";
import type { OperationRecord } from "./operation";
import type { OperationStore } from "./operation-store";
import { boolParameter } from "./query-params";
import { parseEmptyBody } from "./requests";
import type { AdminRoute } from "./routes";

/**
 * The Admin API's resource methods besides operations (firestore_admin.proto): databases.list and patch, backups,
 * fields and indexes. The long-running ones (databases.patch, fields.patch) answer with their operation.
 */

export type ResourceRoute = Extract<AdminRoute, { endpoint: (typeof RESOURCE_ENDPOINTS)[number] }>;

export interface ResourceReply {
  status: 200;
  body: unknown;
  /** The operation a long-running method started. */
  operation?: OperationRecord;
}

export function isResourceRoute(route: AdminRoute): route is ResourceRoute {
  return (RESOURCE_ENDPOINTS as readonly string[]).includes(route.endpoint);
}

const ok = (body: unknown): ResourceReply => ({ status: 200, body });

export function handleResourceRequest(
  store: OperationStore,
  route: ResourceRoute,
  params: URLSearchParams,
  bodyText: string,
  parseBody: (text: string) => unknown,
  nowMs: number,
): ResourceReply {
  switch (route.endpoint) {
    case "databases.list": {
      // ListDatabasesRequest.show_deleted: deleted databases are not kept here, so it lists the same ones.
      boolParameter(params, ["showDeleted", "show_deleted"]);
      const databases = store.listDatabases(route.project).map((db) => renderDatabase(db, nowMs));
      return ok(databases.length ? { databases } : {});
    }
    case "databases.patch": {
      const update = parseUpdateDatabaseRequest(
        route.database,
        parseBody(bodyText),
        params.get("updateMask") ?? params.get("update_mask"),
      );
      const op = store.startUpdateDatabase(route.database, update);
      return { status: 200, body: undefined, operation: op };
    }
    case "backups.get":
      return ok(renderBackup(store.backup(route.name)));
    case "backups.list": {
      // ListBackupsRequest.filter: the emulator lists every backup of the location (no filter is applied).
      const backups = store.listBackups(route.project, route.location).map(renderBackup);
      return ok(backups.length ? { backups } : {});
    }
    case "backups.delete": {
      parseEmptyBody(parseBody(bodyText));
      if (!parseBackupName(route.name)) throw new ApiError("INVALID_ARGUMENT", `Invalid backup name ${route.name}.`);
      store.deleteBackup(route.name);
      return ok({});
    }
    case "fields.get": {
      const { config, settled } = store.field(route.name);
      return ok(renderField(route.name, config, settled));
    }
    case "fields.list": {
      checkPageSize(params);
      const fields = store.listFields(route.database, route.collectionGroup, params.get("filter") ?? "").map((name) => {
        const { config, settled } = store.field(name);
        return renderField(name, config, settled);
      });
      return ok(fields.length ? { fields } : {});
    }
    case "fields.patch": {
      // The patch applies to the configuration the field has (a busy field is refused when the change starts).
      const current = store.field(route.name).before;
      const next = parseFieldPatch(
        route.name,
        parseBody(bodyText),
        params.get("updateMask") ?? params.get("update_mask"),
        current,
      );
      return { status: 200, body: undefined, operation: store.startFieldUpdate(route.name, next) };
    }
    case "indexes.list": {
      checkPageSize(params);
      const indexes = store.listIndexes(route.database, route.collectionGroup);
      return ok(indexes.length ? { indexes } : {});
    }
    case "indexes.get":
      return ok(store.index(route.name));
    case "indexes.delete":
      parseEmptyBody(parseBody(bodyText));
      store.deleteIndex(route.name);
      return ok({});
  }
}

/** Lists answer in one page; a page_size is still checked, as the service does. */
function checkPageSize(params: URLSearchParams): void {
  const text = params.get("pageSize") ?? params.get("page_size");
  if (text !== null && !(Number.isInteger(Number(text)) && Number(text) >= 0)) {
    throw new ApiError("INVALID_ARGUMENT", "page_size must be a non-negative integer.", {
      fieldViolations: [{ field: "page_size", description: "must be a non-negative integer" }],
    });
  }
}
