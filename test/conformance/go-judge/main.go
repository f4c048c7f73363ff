// Command go-judge drives Google's Go Firestore Admin client (cloud.google.com/go/firestore/apiv1/admin, REST
// transport) against an endpoint, one case per line: it reads a JSON request on stdin and prints one JSON line of
// what the client returned (or the error it raised) on stdout. The conformance test
// (test/conformance/judges.test.ts) chooses the cases and asserts on the lines; nothing here decides what is right.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	admin "cloud.google.com/go/firestore/apiv1/admin"
	"cloud.google.com/go/firestore/apiv1/admin/adminpb"
	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gax "github.com/googleapis/gax-go/v2"
	"github.com/googleapis/gax-go/v2/apierror"
	"golang.org/x/oauth2"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// request is one case: the test names it and gives the fields the call needs.
type request struct {
	Case            string   `json:"case"`
	Name            string   `json:"name"`
	Parent          string   `json:"parent"`
	Filter          string   `json:"filter"`
	OutputURIPrefix string   `json:"outputUriPrefix"`
	CollectionIDs   []string `json:"collectionIds"`
	DatabaseID      string   `json:"databaseId"`
	Backup          string   `json:"backup"`
	TimeoutMs       int      `json:"timeoutMs"`
}

// judge holds the client and the operations it started, so that `wait` waits through the client's own handle.
type judge struct {
	client *admin.FirestoreAdminClient
	// waiters: operation name -> the client's Wait on its handle, the response as JSON.
	waiters map[string]func(context.Context) (proto.Message, error)
}

var marshal = protojson.MarshalOptions{EmitUnpopulated: false}

// message turns a proto the client decoded into plain JSON (enums by name: what the client made of the wire).
func message(m proto.Message) json.RawMessage {
	out, err := marshal.Marshal(m)
	if err != nil {
		quoted, _ := json.Marshal("unprintable: " + err.Error())
		return quoted
	}
	return out
}

// describeError is what the client raised: its Go type, the canonical code, the HTTP code and the details.
func describeError(err error) map[string]any {
	out := map[string]any{
		"type":     fmt.Sprintf("%T", err),
		"grpcCode": int(status.Code(err)),
		"status":   status.Code(err).String(),
		"message":  err.Error(),
	}
	var apiErr *apierror.APIError
	if errors.As(err, &apiErr) {
		out["isAPIError"] = true
		out["httpCode"] = apiErr.HTTPCode()
		out["reason"] = apiErr.Reason()
		violations := []map[string]string{}
		if bad := apiErr.Details().BadRequest; bad != nil {
			for _, v := range bad.GetFieldViolations() {
				violations = append(violations, map[string]string{"field": v.GetField(), "description": v.GetDescription()})
			}
		}
		out["fieldViolations"] = violations
	}
	return out
}

// startedOperation is what the client's typed long-running operations (export, restore) have in common.
type startedOperation[M, R proto.Message] interface {
	Name() string
	Done() bool
	Metadata() (M, error)
	Wait(ctx context.Context, opts ...gax.CallOption) (R, error)
}

// started keeps how to wait for an operation a case started (the "wait" case uses it) and answers with its name,
// whether it is done, and its metadata, as the client read them.
func started[M, R proto.Message](j *judge, op startedOperation[M, R]) (map[string]any, error) {
	j.waiters[op.Name()] = func(ctx context.Context) (proto.Message, error) { return op.Wait(ctx) }
	metadata, err := op.Metadata()
	if err != nil {
		return nil, err
	}
	return map[string]any{"name": op.Name(), "done": op.Done(), "metadata": message(metadata)}, nil
}

func (j *judge) run(ctx context.Context, r request) (map[string]any, error) {
	switch r.Case {
	case "export":
		op, err := j.client.ExportDocuments(ctx, &adminpb.ExportDocumentsRequest{
			Name: r.Name, OutputUriPrefix: r.OutputURIPrefix, CollectionIds: r.CollectionIDs,
		})
		if err != nil {
			return nil, err
		}
		return started[*adminpb.ExportDocumentsMetadata, *adminpb.ExportDocumentsResponse](j, op)
	case "get":
		op, err := j.client.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: r.Name})
		if err != nil {
			return nil, err
		}
		return map[string]any{"operation": message(op)}, nil
	case "list":
		it := j.client.ListOperations(ctx, &longrunningpb.ListOperationsRequest{Name: r.Name, Filter: r.Filter})
		operations := []json.RawMessage{}
		for {
			op, err := it.Next()
			if errors.Is(err, iterator.Done) {
				break
			}
			if err != nil {
				return nil, err
			}
			operations = append(operations, message(op))
		}
		return map[string]any{"operations": operations}, nil
	case "cancel":
		return map[string]any{}, j.client.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: r.Name})
	case "wait":
		wait, ok := j.waiters[r.Name]
		if !ok {
			return nil, fmt.Errorf("go-judge: no operation %q was started in this run", r.Name)
		}
		response, err := wait(ctx)
		if err != nil {
			return nil, err
		}
		return map[string]any{"response": message(response)}, nil
	case "delete":
		return map[string]any{}, j.client.DeleteOperation(ctx, &longrunningpb.DeleteOperationRequest{Name: r.Name})
	case "listBackups":
		listed, err := j.client.ListBackups(ctx, &adminpb.ListBackupsRequest{Parent: r.Parent})
		if err != nil {
			return nil, err
		}
		return map[string]any{"response": message(listed)}, nil
	case "restore":
		op, err := j.client.RestoreDatabase(ctx, &adminpb.RestoreDatabaseRequest{
			Parent: r.Parent, DatabaseId: r.DatabaseID, Backup: r.Backup,
		})
		if err != nil {
			return nil, err
		}
		return started[*adminpb.RestoreDatabaseMetadata, *adminpb.Database](j, op)
	}
	return nil, fmt.Errorf("go-judge: unknown case %q", r.Case)
}

func main() {
	endpoint := flag.String("endpoint", "", "the Admin API's root URL, e.g. http://127.0.0.1:8085")
	token := flag.String("token", "", "an OAuth access token to send (none: no credentials)")
	flag.Parse()
	if *endpoint == "" {
		fmt.Fprintln(os.Stderr, "go-judge: --endpoint is required")
		os.Exit(2)
	}
	ctx := context.Background()
	options := []option.ClientOption{option.WithEndpoint(*endpoint)}
	if *token != "" {
		options = append(options, option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: *token})))
	} else {
		options = append(options, option.WithoutAuthentication())
	}
	client, err := admin.NewFirestoreAdminRESTClient(ctx, options...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-judge:", err)
		os.Exit(1)
	}
	defer client.Close()
	j := &judge{client: client, waiters: map[string]func(context.Context) (proto.Message, error){}}

	in := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	fmt.Fprintln(os.Stderr, "go-judge: ready")
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, "go-judge: bad request line:", err)
			os.Exit(2)
		}
		timeout := 30 * time.Second
		if r.TimeoutMs > 0 {
			timeout = time.Duration(r.TimeoutMs) * time.Millisecond
		}
		caseCtx, cancel := context.WithTimeout(ctx, timeout)
		result, err := j.run(caseCtx, r)
		cancel()
		line := map[string]any{"case": r.Case}
		if err != nil {
			line["error"] = describeError(err)
		} else {
			line["result"] = result
		}
		if err := out.Encode(line); err != nil {
			os.Exit(1)
		}
	}
}
