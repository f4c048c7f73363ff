"""Drives Google's Python Firestore Admin client (google-cloud-firestore's FirestoreAdminClient, REST transport)
against an endpoint, one case per line: it reads a JSON request on stdin and prints one JSON line of what the client
returned (or the exception it raised) on stdout. The conformance test (test/conformance/judges.test.ts) chooses the
cases and asserts on the lines; nothing here decides what is right."""

import argparse
import json
import sys

from google.api_core import exceptions
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore_admin_v1
from google.longrunning import operations_pb2
from google.oauth2.credentials import Credentials
from google.protobuf import json_format


def plain(message):
    """A message the client decoded, as JSON (enums by name: what the client made of the wire)."""
    if hasattr(message, "_pb"):  # proto-plus wrappers of the generated types
        message = message._pb
    return json_format.MessageToDict(message)


def describe_error(error):
    """What the client raised: its class (and the classes it is an instance of), the codes and the details."""
    out = {
        "type": type(error).__name__,
        "module": type(error).__module__,
        "classes": [cls.__name__ for cls in type(error).__mro__],
        "message": str(error),
    }
    if isinstance(error, exceptions.GoogleAPICallError):
        grpc_code = error.grpc_status_code
        out["httpCode"] = error.code
        out["grpcCode"] = grpc_code.value[0] if grpc_code is not None else None
        out["status"] = grpc_code.name if grpc_code is not None else None
        out["reason"] = error.reason
        violations = []
        for detail in error.details or []:
            if isinstance(detail, dict) and detail.get("@type") == "type.googleapis.com/google.rpc.BadRequest":
                for violation in detail.get("fieldViolations", []):
                    violations.append({"field": violation.get("field"), "description": violation.get("description")})
        out["fieldViolations"] = violations
    return out


class Judge:
    def __init__(self, client):
        self.client = client
        # operation name -> the client's own future (google.api_core.operation.Operation)
        self.futures = {}

    def started(self, future):
        name = future.operation.name
        self.futures[name] = future
        return {"name": name, "done": future.operation.done, "metadata": plain(future.metadata)}

    def run(self, request):
        case = request["case"]
        timeout = request.get("timeoutMs", 30_000) / 1000
        if case == "export":
            return self.started(
                self.client.export_documents(
                    request={
                        "name": request["name"],
                        "output_uri_prefix": request["outputUriPrefix"],
                        "collection_ids": request.get("collectionIds", []),
                    },
                    timeout=timeout,
                )
            )
        if case == "get":
            operation = self.client.get_operation(
                request=operations_pb2.GetOperationRequest(name=request["name"]), timeout=timeout
            )
            return {"operation": plain(operation)}
        if case == "list":
            operations, token = [], ""
            while True:
                page = self.client.list_operations(
                    request=operations_pb2.ListOperationsRequest(
                        name=request["name"], filter=request.get("filter", ""), page_token=token
                    ),
                    timeout=timeout,
                )
                operations.extend(plain(operation) for operation in page.operations)
                token = page.next_page_token
                if not token:
                    return {"operations": operations}
        if case == "cancel":
            # Through the future, as a program holding one cancels: it reads the operation first.
            future = self.futures.get(request["name"])
            if future is not None:
                return {"sent": future.cancel()}
            self.client.cancel_operation(
                request=operations_pb2.CancelOperationRequest(name=request["name"]), timeout=timeout
            )
            return {"sent": True}
        if case == "wait":
            future = self.futures[request["name"]]
            return {"response": plain(future.result(timeout=timeout))}
        if case == "delete":
            self.client.delete_operation(
                request=operations_pb2.DeleteOperationRequest(name=request["name"]), timeout=timeout
            )
            return {}
        if case == "listBackups":
            return {"response": plain(self.client.list_backups(parent=request["parent"], timeout=timeout))}
        if case == "restore":
            return self.started(
                self.client.restore_database(
                    request={
                        "parent": request["parent"],
                        "database_id": request["databaseId"],
                        "backup": request["backup"],
                    },
                    timeout=timeout,
                )
            )
        raise ValueError(f"python-judge: unknown case {case!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True, help="the Admin API's root URL, e.g. http://127.0.0.1:8085")
    parser.add_argument("--token", default="", help="an OAuth access token to send (none: anonymous)")
    args = parser.parse_args()
    credentials = Credentials(token=args.token) if args.token else AnonymousCredentials()
    client = firestore_admin_v1.FirestoreAdminClient(
        transport="rest",
        credentials=credentials,
        client_options=ClientOptions(api_endpoint=args.endpoint),
    )
    judge = Judge(client)
    print("python-judge: ready", file=sys.stderr, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            out = {"case": request["case"], "result": judge.run(request)}
        except Exception as error:  # every exception is an answer to report, not a crash
            out = {"case": request["case"], "error": describe_error(error)}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
