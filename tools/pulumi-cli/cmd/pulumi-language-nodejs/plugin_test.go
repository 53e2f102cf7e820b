package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// RunPlugin kind=analyzer: the host answers Handshake/ConfigureStack through the SDK's policy
// proxy, then starts the real @pulumi/policy pack with the stack's identity, and the engine's
// Analyze calls reach the pack's policy. A pack saying `typescript: false` is started without
// ts-node (the compiled-pack launcher); by default run-policy-pack registers it, as upstream.
func TestRunPluginPolicyPack(t *testing.T) {
	for _, c := range []struct {
		opts   map[string]any
		tsNode string
	}{
		{map[string]any{"typescript": false}, "off"},
		{map[string]any{}, "on"},
	} {
		t.Run("ts-node "+c.tsNode, func(t *testing.T) { testPolicyPack(t, c.opts, c.tsNode) })
	}
}

func testPolicyPack(t *testing.T, opts map[string]any, tsNode string) {
	requireNodeSDK(t)
	ctx := testCtx(t, 3*time.Minute)
	_, engineAddr := startFakeEngine(t)
	client := startHost(t)
	dir := testdata(t, "policy-pack")
	stream, err := client.RunPlugin(ctx, &pulumirpc.RunPluginRequest{
		Pwd: t.TempDir(), Kind: "analyzer", Name: "host-test-pack",
		Args: []string{engineAddr}, Env: os.Environ(),
		Info: programInfo(t, dir, opts),
	})
	if err != nil {
		t.Fatal(err)
	}
	analyzer := pulumirpc.NewAnalyzerClient(dial(t, fmt.Sprintf("127.0.0.1:%d", pluginPort(t, stream))))
	if _, err := analyzer.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{EngineAddress: engineAddr}); err != nil {
		t.Fatal(err)
	}
	if _, err := analyzer.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: "review", Project: "hosttest", DryRun: true,
	}); err != nil {
		t.Fatal(err)
	}
	info, err := analyzer.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "host-test-pack" || len(info.Policies) != 1 || info.Policies[0].Name != "no-greeting-hello" {
		t.Fatalf("analyzer info = %v", info)
	}
	props, _ := structpb.NewStruct(map[string]any{"greeting": "hello"})
	res, err := analyzer.Analyze(ctx, &pulumirpc.AnalyzeRequest{
		Type: "test:index:Greeting", Name: "g", Properties: props,
		Urn:     "urn:pulumi:review::hosttest::test:index:Greeting::g",
		Options: &pulumirpc.AnalyzerResourceOptions{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnostics) != 1 {
		t.Fatalf("want one violation, got %v", res.Diagnostics)
	}
	d := res.Diagnostics[0]
	if d.PolicyName != "no-greeting-hello" || d.EnforcementLevel != pulumirpc.EnforcementLevel_MANDATORY ||
		!strings.Contains(d.Message, "greeting must not be 'hello' (stack review, ts-node "+tsNode+")") {
		t.Fatalf("diagnostic = %v", d)
	}
	props, _ = structpb.NewStruct(map[string]any{"greeting": "hi"})
	res, err = analyzer.Analyze(ctx, &pulumirpc.AnalyzeRequest{Type: "test:index:Greeting", Name: "ok", Properties: props,
		Options: &pulumirpc.AnalyzerResourceOptions{},
	})
	if err != nil || len(res.Diagnostics) != 0 {
		t.Fatalf("a compliant resource: %v %v", err, res.GetDiagnostics())
	}
}

// RunPlugin kind=resource: a source-based component package (PulumiPlugin.yaml) is served by
// @pulumi/pulumi's run-plugin, whose schema is derived from the TypeScript types; the nodeargs
// option (quoted path with a space) is honoured for plugins too.
func TestRunPluginComponentPackage(t *testing.T) {
	requireNodeSDK(t)
	ctx := testCtx(t, 3*time.Minute)
	_, engineAddr := startFakeEngine(t)
	client := startHost(t)
	dir := testdata(t, "component")
	marker := filepath.Join(t.TempDir(), "preloaded")
	nodeArgs := fmt.Sprintf(`--require "%s"`, filepath.Join(testdata(t, "program"), "hooks", "pre load.js"))
	stream, err := client.RunPlugin(ctx, &pulumirpc.RunPluginRequest{
		Pwd: dir, Kind: "resource", Name: "greeter",
		Args: []string{engineAddr}, Env: append(os.Environ(), "HOST_TEST_PRELOAD_MARKER="+marker),
		Info: programInfo(t, dir, map[string]any{"nodeargs": nodeArgs}),
	})
	if err != nil {
		t.Fatal(err)
	}
	provider := pulumirpc.NewResourceProviderClient(dial(t, fmt.Sprintf("127.0.0.1:%d", pluginPort(t, stream))))
	resp, err := provider.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Name      string
		Version   string
		Resources map[string]struct {
			IsComponent     bool
			InputProperties map[string]struct{ Description string }
			RequiredInputs  []string
		}
	}
	if err := json.Unmarshal([]byte(resp.Schema), &schema); err != nil {
		t.Fatal(err)
	}
	res, ok := schema.Resources["greeter:index:Greeter"]
	if schema.Name != "greeter" || schema.Version != "0.2.0" || !ok || !res.IsComponent {
		t.Fatalf("schema: %s", resp.Schema)
	}
	if res.InputProperties["who"].Description != "Who to greet." || len(res.RequiredInputs) != 1 || res.RequiredInputs[0] != "who" {
		t.Fatalf("inputs of Greeter: %+v", res)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "loaded" {
		t.Fatalf("nodeargs --require was not loaded by the plugin: %v %q", err, b)
	}
}
