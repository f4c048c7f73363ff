// A Go program in plugin mode, run as an inline program of Pulumi's Go Automation API (no Go language host exists
// here: the Automation API serves the program to the CLI itself).
//
//	driver WORK_DIR PROJECT_NAME STACK_NAME
//
// WORK_DIR holds Pulumi.yaml (of PROJECT_NAME) and the stack's config file; the stack exists. Each line on stdin is
// a command, {"command": "preview" | "up" | "refresh" | "destroy"}; each gets one JSON line on stdout:
// {"command", "ok", "stdout", "outputs"?, "error"?}. The CLI's own output streams to stderr as it comes.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	firestoreops "github.com/pulumi-firestore-operations/pulumi-firestore-operations/sdk/go/firestoreoperations"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// program is what a user writes: one export, its inputs from the stack config.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	args := &firestoreops.FirestoreExportArgs{OutputUriPrefix: pulumi.String(cfg.Require("outputUriPrefix"))}
	if waitFor := cfg.Get("waitFor"); waitFor != "" {
		args.WaitFor = pulumi.String(waitFor)
	}
	export, err := firestoreops.NewFirestoreExport(ctx, "nightly", args)
	if err != nil {
		return err
	}
	ctx.Export("operationName", export.OperationName)
	ctx.Export("state", export.State)
	return nil
}

type reply struct {
	Command string         `json:"command"`
	OK      bool           `json:"ok"`
	Stdout  string         `json:"stdout,omitempty"`
	Outputs map[string]any `json:"outputs,omitempty"`
	Error   string         `json:"error,omitempty"`
}

func run(ctx context.Context, stack auto.Stack, command string, progress io.Writer) (reply, error) {
	switch command {
	case "preview":
		result, err := stack.Preview(ctx, optpreview.ProgressStreams(progress))
		return reply{Stdout: result.StdOut}, err
	case "up":
		result, err := stack.Up(ctx, optup.ProgressStreams(progress))
		outputs := map[string]any{}
		for name, output := range result.Outputs {
			outputs[name] = output.Value
		}
		return reply{Stdout: result.StdOut, Outputs: outputs}, err
	case "refresh":
		result, err := stack.Refresh(ctx, optrefresh.ProgressStreams(progress))
		return reply{Stdout: result.StdOut}, err
	case "destroy":
		result, err := stack.Destroy(ctx, optdestroy.ProgressStreams(progress))
		return reply{Stdout: result.StdOut}, err
	}
	return reply{}, fmt.Errorf("unknown command %q", command)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: driver WORK_DIR PROJECT_NAME STACK_NAME")
		os.Exit(2)
	}
	ctx := context.Background()
	stack, err := auto.SelectStackInlineSource(ctx, os.Args[3], os.Args[2], program, auto.WorkDir(os.Args[1]))
	if err != nil {
		fmt.Fprintln(os.Stderr, "select stack:", err)
		os.Exit(1)
	}
	lines := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for lines.Scan() {
		var request struct{ Command string }
		if err := json.Unmarshal(lines.Bytes(), &request); err != nil {
			fmt.Fprintln(os.Stderr, "bad command line:", err)
			os.Exit(2)
		}
		result, err := run(ctx, stack, request.Command, os.Stderr)
		result.Command, result.OK = request.Command, err == nil
		if err != nil { // the CLI failed: its exit code and output are in the message
			result.Error = err.Error()
		}
		if err := out.Encode(result); err != nil {
			fmt.Fprintln(os.Stderr, "write reply:", err)
			os.Exit(1)
		}
	}
}
