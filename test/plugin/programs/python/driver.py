"""A Python program in plugin mode, run as an inline program of Pulumi's Python Automation API (no Python language
host exists here: the Automation API serves the program to the CLI itself).

    python driver.py WORK_DIR PROJECT_NAME STACK_NAME

WORK_DIR holds Pulumi.yaml (of PROJECT_NAME) and the stack's config file; the stack exists. Each line on stdin is a command,
`{"command": "preview" | "up" | "refresh" | "destroy"}`; each gets one JSON line on stdout:
`{"command", "ok", "stdout", "outputs"?, "error"?}`. The CLI's own output streams to stderr as it comes.
"""

import json
import sys

import pulumi
import pulumi_firestore_operations as firestore_ops
from pulumi import automation as auto


def program() -> None:
    """What a user writes: one export, its inputs from the stack config."""
    config = pulumi.Config()
    export = firestore_ops.FirestoreExport(
        "nightly",
        output_uri_prefix=config.require("outputUriPrefix"),
        wait_for=config.get("waitFor"),
    )
    pulumi.export("operationName", export.operation_name)
    pulumi.export("state", export.state)


def stream(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(stack: auto.Stack, command: str) -> dict:
    if command == "preview":
        result = stack.preview(on_output=stream)
        return {"stdout": result.stdout}
    if command == "up":
        result = stack.up(on_output=stream)
        return {"stdout": result.stdout, "outputs": {k: v.value for k, v in result.outputs.items()}}
    if command == "refresh":
        return {"stdout": stack.refresh(on_output=stream).stdout}
    if command == "destroy":
        return {"stdout": stack.destroy(on_output=stream).stdout}
    raise ValueError(f"unknown command {command!r}")


def main() -> None:
    work_dir, project_name, stack_name = sys.argv[1:4]
    stack = auto.select_stack(
        stack_name=stack_name,
        project_name=project_name,
        program=program,
        opts=auto.LocalWorkspaceOptions(work_dir=work_dir),
    )
    for line in sys.stdin:
        command = json.loads(line)["command"]
        try:
            reply = {"command": command, "ok": True, **run(stack, command)}
        except auto.CommandError as error:  # the CLI failed: its exit code and output are in the message
            reply = {"command": command, "ok": False, "error": str(error)}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
