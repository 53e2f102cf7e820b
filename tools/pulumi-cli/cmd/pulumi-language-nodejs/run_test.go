package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/emptypb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func runRequest(t *testing.T, dir, monitor string, opts map[string]any) *pulumirpc.RunRequest {
	return &pulumirpc.RunRequest{
		Project:          "hosttest",
		Stack:            "dev",
		MonitorAddress:   monitor,
		Info:             programInfo(t, dir, opts),
		Config:           map[string]string{"hosttest:greeting": "hi there"},
		DryRun:           true,
		Parallel:         4,
		ConfigSecretKeys: []string{},
	}
}

// Run starts the real @pulumi/pulumi cmd/run on a JavaScript program: config, stack, project and
// dry-run reach the program, the engine address from Handshake reaches the SDK (it sets the root
// resource there), the program's exports become the stack's outputs, and a quoted nodeargs
// --require of a file with a space in its name is loaded.
func TestRunPassesConfigIdentityAndQuotedNodeArgs(t *testing.T) {
	requireNodeSDK(t)
	ctx := testCtx(t, 2*time.Minute)
	engine, addr := startFakeEngine(t)
	client := startHost(t)
	if _, err := client.Handshake(ctx, &pulumirpc.LanguageHandshakeRequest{EngineAddress: addr}); err != nil {
		t.Fatal(err)
	}
	dir := testdata(t, "program")
	nodeArgs := fmt.Sprintf(`--require "%s/hooks/pre load.js" --no-warnings`, dir)
	resp, err := client.Run(ctx, runRequest(t, dir, addr, map[string]any{"typescript": false, "nodeargs": nodeArgs}))
	if err != nil {
		t.Fatal(err)
	}
	logs, root, types, outputs := engine.snapshot()
	if resp.Error != "" || resp.Bail {
		t.Fatalf("run failed: %+v; engine logs: %v", resp, logs)
	}
	want := map[string]any{
		"greeting": "hi there", "stack": "dev", "project": "hosttest", "dryRun": true,
		"preloaded": "yes", "typescript": "unset",
	}
	for k, v := range want {
		if outputs[k] != v {
			t.Errorf("output %s = %v, want %v (all: %v)", k, outputs[k], v, outputs)
		}
	}
	if !strings.Contains(root, "pulumi:pulumi:Stack") {
		t.Errorf("root resource set on the engine = %q, want the stack", root)
	}
	if len(types) == 0 || types[0] != "pulumi:pulumi:Stack" {
		t.Errorf("registered types = %v, want the stack first", types)
	}
}

// The typescript option defaults to true and reaches the SDK as PULUMI_NODEJS_TYPESCRIPT.
func TestRunTypeScriptDefault(t *testing.T) {
	requireNodeSDK(t)
	ctx := testCtx(t, 2*time.Minute)
	engine, addr := startFakeEngine(t)
	client := startHost(t)
	resp, err := client.Run(ctx, runRequest(t, testdata(t, "program"), addr, nil))
	if err != nil || resp.Error != "" {
		t.Fatalf("run failed: %v %+v", err, resp)
	}
	if _, _, _, out := engine.snapshot(); out["typescript"] != "true" || out["preloaded"] != "no" {
		t.Errorf("outputs = %v, want typescript=true and nothing preloaded", out)
	}
}

// A program that throws: the SDK reports the error through the engine and exits 32, which the
// host turns into Bail (the message is not shown twice).
func TestRunProgramErrorBails(t *testing.T) {
	requireNodeSDK(t)
	ctx := testCtx(t, 2*time.Minute)
	engine, addr := startFakeEngine(t)
	client := startHost(t)
	if _, err := client.Handshake(ctx, &pulumirpc.LanguageHandshakeRequest{EngineAddress: addr}); err != nil {
		t.Fatal(err)
	}
	req := runRequest(t, testdata(t, "program-throws"), addr, nil) // see the program's comment
	resp, err := client.Run(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	logs, _, _, _ := engine.snapshot()
	if !resp.Bail {
		t.Fatalf("want Bail after an error the SDK printed, got %+v (logs %v)", resp, logs)
	}
	if !strings.Contains(strings.Join(logs, "\n"), "boom from the host test program") {
		t.Errorf("the program's error did not reach the engine log: %v", logs)
	}
}

func TestRunExitCode(t *testing.T) {
	requireNodeSDK(t)
	ctx := testCtx(t, 2*time.Minute)
	_, addr := startFakeEngine(t)
	client := startHost(t)
	resp, err := client.Run(ctx, runRequest(t, testdata(t, "program-exit"), addr, map[string]any{"typescript": false}))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Error != "Program exited with non-zero exit code: 3" {
		t.Fatalf("got %+v", resp)
	}
}

// Bad runtime options fail the run with a message naming the option, before node starts.
func TestRunRejectsBadOptions(t *testing.T) {
	ctx := testCtx(t, time.Minute)
	client := startHost(t)
	dir := testdata(t, "program")
	cases := map[string]struct {
		opts map[string]any
		want string
	}{
		"unbalanced quote":    {map[string]any{"nodeargs": `--require "./x.js`}, `runtime option nodeargs "--require \"./x.js"`},
		"unknown option":      {map[string]any{"nodeversion": "20"}, `unsupported runtime option "nodeversion"`},
		"bun":                 {map[string]any{"packagemanager": "bun"}, `packagemanager "bun" is not supported`},
		"unknown manager":     {map[string]any{"packagemanager": "cargo"}, `packagemanager "cargo" is not one of auto, npm, yarn, pnpm`},
		"typescript not bool": {map[string]any{"typescript": "yes"}, "runtime option typescript must be a boolean"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resp, err := client.Run(ctx, runRequest(t, dir, "127.0.0.1:1", c.opts))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(resp.Error, c.want) {
				t.Fatalf("error %q does not contain %q", resp.Error, c.want)
			}
		})
	}
}

// Cancel stops a running program promptly.
func TestCancelStopsRun(t *testing.T) {
	requireNodeSDK(t)
	ctx := testCtx(t, 2*time.Minute)
	engine, addr := startFakeEngine(t)
	client := startHost(t)
	done := make(chan *pulumirpc.RunResponse, 1)
	go func() {
		resp, err := client.Run(ctx, runRequest(t, testdata(t, "program-hangs"), addr, map[string]any{"typescript": false}))
		if err != nil {
			resp = &pulumirpc.RunResponse{Error: err.Error()}
		}
		done <- resp
	}()
	// Wait (bounded) until the program is running: the SDK has registered the stack.
	for i := 0; ; i++ {
		if _, _, types, _ := engine.snapshot(); len(types) > 0 {
			break
		}
		select {
		case resp := <-done:
			t.Fatalf("the program ended on its own: %+v", resp)
		case <-time.After(200 * time.Millisecond):
		}
		if i > 300 {
			t.Fatal("the program did not register its stack within 60 s")
		}
	}
	if _, err := client.Cancel(ctx, &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	select {
	case resp := <-done:
		if resp.Error == "" && !resp.Bail {
			t.Fatalf("a cancelled run must not report success: %+v", resp)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return within 15 s of Cancel")
	}
}
