package main

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// serve starts a gRPC server on a loopback port, stopped when the test ends.
func serve(t *testing.T, register func(*grpc.Server)) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	register(srv)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// startHost serves this package's LanguageRuntime in process and returns a client for it.
func startHost(t *testing.T) pulumirpc.LanguageRuntimeClient {
	t.Helper()
	addr := serve(t, func(s *grpc.Server) { pulumirpc.RegisterLanguageRuntimeServer(s, newHost("")) })
	return pulumirpc.NewLanguageRuntimeClient(dial(t, addr))
}

func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func programInfo(t *testing.T, dir string, opts map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	s, err := structpb.NewStruct(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: ".", Options: s}
}

// requireNodeSDK fails (not skips) when node or the repo's node_modules are missing: `npm test`
// installs both before it runs these tests.
func requireNodeSDK(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not on PATH: %v", err)
	}
	for _, mod := range []string{"@pulumi/pulumi/package.json", "@pulumi/policy/package.json"} {
		cmd := exec.Command("node", "-p", fmt.Sprintf("require.resolve(%q)", mod))
		cmd.Dir = testdata(t, "program")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s does not resolve from testdata (run npm install at the repo root): %v", mod, err)
		}
		// Read in the test process, so `go test`'s result cache is keyed on the SDK versions too.
		if _, err := os.ReadFile(strings.TrimSpace(string(out))); err != nil {
			t.Fatal(err)
		}
	}
	// Likewise for the test programs, which only node reads.
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			_, err = os.ReadFile(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fakeEngine is the engine side of a deployment, as far as @pulumi/pulumi's cmd/run needs it:
// the Engine service (logs, root resource) and a ResourceMonitor that records registrations.
type fakeEngine struct {
	pulumirpc.UnimplementedEngineServer
	pulumirpc.UnimplementedResourceMonitorServer

	mu      sync.Mutex
	logs    []string
	root    string
	types   []string
	outputs map[string]any
}

func startFakeEngine(t *testing.T) (*fakeEngine, string) {
	t.Helper()
	e := &fakeEngine{}
	addr := serve(t, func(s *grpc.Server) {
		pulumirpc.RegisterEngineServer(s, e)
		pulumirpc.RegisterResourceMonitorServer(s, e)
	})
	return e, addr
}

func (e *fakeEngine) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.logs = append(e.logs, req.GetMessage())
	return &emptypb.Empty{}, nil
}

func (e *fakeEngine) SetRootResource(_ context.Context, req *pulumirpc.SetRootResourceRequest,
) (*pulumirpc.SetRootResourceResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.root = req.GetUrn()
	return &pulumirpc.SetRootResourceResponse{}, nil
}

func (e *fakeEngine) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest,
) (*pulumirpc.GetRootResourceResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return &pulumirpc.GetRootResourceResponse{Urn: e.root}, nil
}

func (e *fakeEngine) RegisterResource(_ context.Context, req *pulumirpc.RegisterResourceRequest,
) (*pulumirpc.RegisterResourceResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.types = append(e.types, req.GetType())
	urn := fmt.Sprintf("urn:pulumi:test::test::%s::%s", req.GetType(), req.GetName())
	return &pulumirpc.RegisterResourceResponse{Urn: urn, Object: &structpb.Struct{}}, nil
}

func (e *fakeEngine) RegisterResourceOutputs(_ context.Context, req *pulumirpc.RegisterResourceOutputsRequest,
) (*emptypb.Empty, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.outputs = req.GetOutputs().AsMap()
	return &emptypb.Empty{}, nil
}

func (e *fakeEngine) snapshot() (logs []string, root string, types []string, outputs map[string]any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string{}, e.logs...), e.root, append([]string{}, e.types...), e.outputs
}

// pluginPort reads a RunPlugin stream until the plugin prints its gRPC port (its first stdout
// line, as the engine reads it); the rest of the stream is drained in the background.
func pluginPort(t *testing.T, stream pulumirpc.LanguageRuntime_RunPluginClient) int {
	t.Helper()
	lines := make(chan string, 1)
	failed := make(chan error, 1)
	go func() {
		var stdout, stderr strings.Builder
		sent := false
		for {
			msg, err := stream.Recv()
			if err != nil {
				if !sent {
					failed <- fmt.Errorf("%w\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
				}
				return
			}
			stdout.Write(msg.GetStdout())
			stderr.Write(msg.GetStderr())
			if first, _, ok := strings.Cut(stdout.String(), "\n"); ok && !sent {
				lines <- first
				sent = true
			}
		}
	}()
	select {
	case line := <-lines:
		port, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil {
			t.Fatalf("first stdout line of the plugin is not a port: %q", line)
		}
		return port
	case err := <-failed:
		t.Fatalf("plugin ended before printing its port: %v", err)
	case <-time.After(3 * time.Minute):
		t.Fatal("no port from the plugin within 3 minutes")
	}
	return 0
}
