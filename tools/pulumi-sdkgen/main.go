// Command pulumi-sdkgen is a code-generation-only Pulumi language host, built as
// pulumi-language-python and pulumi-language-go (the name it runs under picks the language).
//
// Why it exists: `pulumi package gen-sdk` and `pulumi package add` ask the language host of the
// target language to GeneratePackage, and the Go module proxy reachable here serves no version
// of upstream's Python or Go hosts (nested modules sdk/python/cmd/pulumi-language-python/v3 and
// sdk/go/pulumi-language-go/v3 answer 403). The code generators themselves live in pkg/v3
// (codegen/python, codegen/go), so this host binds the schema the CLI sends and calls them, as
// upstream's hosts do. Nothing else is implemented: Python and Go programs cannot run here.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// generators maps the language (from the executable's name) to pkg/v3's code generator.
var generators = map[string]func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
	loader schema.ReferenceLoader) (map[string][]byte, error){
	"python": func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, loader schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return pygen.GeneratePackage(tool, pkg, req.ExtraFiles, loader)
	},
	"go": func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, _ schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, req.LocalDependencies)
	},
}

func main() {
	tool := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	language := strings.TrimPrefix(tool, "pulumi-language-")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.String("tracing", "", "accepted, ignored")
	flag.String("root", "", "accepted, ignored")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if _, ok := generators[language]; !ok {
		cmdutil.Exit(fmt.Errorf("%s: run me as pulumi-language-python or pulumi-language-go", tool))
	}
	ctx, stop := context.WithCancel(context.Background())
	if engine := flag.Arg(0); engine != "" {
		// Exit when the engine goes away, like every Pulumi plugin.
		if err := rpcutil.Healthcheck(ctx, engine, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}
	cancel := make(chan bool)
	go func() { <-ctx.Done(); close(cancel) }()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{tool: tool, language: language})
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	tool, language string
}

func (h *host) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Run explains, instead of the bare "Unimplemented", why a program of this language cannot run.
func (h *host) Run(context.Context, *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("%s here is this project's SDK generator only "+
		"(tools/pulumi-sdkgen): it cannot run %s programs", h.tool, h.language)}, nil
}

// GeneratePackage binds the schema (references resolved through the engine's loader) and writes
// the generated SDK under req.Directory.
func (h *host) GeneratePackage(ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	client, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	loader := schema.NewCachedLoader(client)

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	files, err := generators[h.language](h.tool, pkg, req, loader)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		out := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
}
