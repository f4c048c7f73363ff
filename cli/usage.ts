import { DEFAULT_LIST_PAGE_SIZE } from "../client/admin-client";
import { DEFAULT_CANCEL_TIMEOUT } from "../client/cancel-timeout";
import { DEFAULT_ENDPOINT, SETTING_ENVIRONMENT } from "../client/settings";
import { WATCH_TIMEOUT_DEFAULT } from "./commands/watch";

/** A setting's variables as usage reads them: "A, B or C". */
function alternatives(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

export const USAGE = `Usage: firestore-ops COMMAND [NAME...|URI] [flags]

Firestore admin long-running operations (exports, imports, bulk deletes, index builds), like
"gcloud firestore operations", and able to wait until a cancelled operation is really over.
export, import and bulk-delete start one, like "gcloud firestore export|import|bulk-delete".

Commands:
  list              operations in flight in the database, newest first
    --all           also finished ones (SUCCESSFUL, FAILED, CANCELLED)
    --filter F      API list filter of AND-ed terms, e.g. metadata.collectionIds=users; a filter on
                    done or metadata.operationState is sent as it is
    --limit N       at most N operations (pages are fetched only until N came back)
    --page-size N   operations per API request                        [the smaller of --limit and ${DEFAULT_LIST_PAGE_SIZE}]
  describe NAME     one operation: state, progress, times, request, error
  cancel NAME...    ask the server to cancel each (cancel is not rollback: work already done stays)
    --wait          wait until each operation is over and say how it ended
    --timeout D     how long --wait waits: 90s, 20m, 1h30m                       [${DEFAULT_CANCEL_TIMEOUT}]
  watch NAME        live progress until the operation is done
    --timeout D     how long to watch                                            [${WATCH_TIMEOUT_DEFAULT}]
  delete NAME       forget a finished operation (a running one is refused: deleting does not cancel)

  export gs://BUCKET[/PATH]
                    start an export; without a PATH the server adds a dated folder
    --snapshot-time T  a consistent copy as of T: RFC 3339, a whole minute in the past
  import gs://BUCKET/PATH
                    start an import of a finished export's folder
  bulk-delete       start deleting the documents of the collection groups or namespaces given (one
                    is required; both: documents in both); asks first on a terminal, refuses without
    -q, --quiet     do not ask (needed without a terminal)
  export, import and bulk-delete:
    --collection-ids A,B  collection groups                                      [all]
    --namespace-ids A,B   namespaces; an empty item is the default namespace     [all]
    --async         return once it started, printing its name (with --format, its resource);
                    otherwise wait, with the progress watch shows
    --timeout D     how long the command waits, the start included               [${WATCH_TIMEOUT_DEFAULT}]
  A 429 waits for the quota and tries again; a start whose answer was lost (a reset, a 5xx) is
  settled by listing the database's operations, never by sending it again.

  NAME is a full name (projects/P/databases/D/operations/ID) or, as in gcloud, an ID in --database.

Flags:
  --project P       project of a bare database id
                    [${alternatives(SETTING_ENVIRONMENT.project)},
                    else gcloud's active configuration: "gcloud config set project P"]
  --database D      database id, or projects/P/databases/D                     [(default)]
  --endpoint URL    Admin API endpoint: https, or http to a loopback address (an emulator)
                    [${alternatives(SETTING_ENVIRONMENT.endpoint)}, else ${DEFAULT_ENDPOINT}]
  --access-token T  OAuth access token [${alternatives(SETTING_ENVIRONMENT.accessToken)}]; prefer the variable, since
                    other users can see command lines
  --format F        table (text), or json or yaml: the API's Operation resources, as gcloud prints
                    them (a list for list); progress, if any, goes to stderr          [table]
  --json            the same as --format json
  -h, --help        this text
  --version         the package version

Credentials: --access-token, else ${alternatives(SETTING_ENVIRONMENT.credentials)}
(JSON or a file), else Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, or
"gcloud auth application-default login"). To a loopback endpoint without any of them, requests
carry no credentials (an emulator with --auth none).
Plain http to any other host is refused unless ${alternatives(SETTING_ENVIRONMENT.allowInsecureEndpoint)}=true.

Exit codes:
  0    done as asked: cancel --wait: the operation ended CANCELLED; cancel: the cancel was accepted
       (or it had already ended CANCELLED); watch, export, import, bulk-delete: it ended SUCCESSFUL
       (with --async: it started). With several NAMEs, the code is that of the first that was not
       done as asked
  1    a request failed: an API error (not found, permission, cancel unsupported...) or no answer;
       delete of an operation that is still running
  2    invalid command line or settings, or bulk-delete not confirmed; nothing was sent
  3    the operation ended otherwise: cancel: SUCCESSFUL or FAILED despite the cancel, or had
       already ended so; watch, export, import, bulk-delete: it ended FAILED or CANCELLED
  4    --timeout passed while waiting; the operation goes on
  130  interrupted (Ctrl-C); an operation already started goes on untouched
`;
