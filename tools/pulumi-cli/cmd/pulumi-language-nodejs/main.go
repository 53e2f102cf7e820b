// Command pulumi-language-nodejs is this project's Node.js language host for the Pulumi CLI.
//
// Why it exists: upstream's host lives in the nested Go module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, and the Go module proxy
// reachable here serves no version of that module (every request, tagged or by commit, is
// answered "403 This module version is not available"). Without a language host the CLI cannot
// run a TypeScript program at all, so this package implements the LanguageRuntime gRPC service
// from pulumi/sdk/v3 (the same proto and helpers upstream uses) for the parts the CLI calls when
// it runs `pulumi preview/up/destroy`, `--policy-pack` and source-based component packages:
//
//   - Run (run.go): starts `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor ... <entry point>`
//     with PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS and PULUMI_NODEJS_TYPESCRIPT.
//   - RunPlugin (plugin.go): kind=analyzer runs `@pulumi/pulumi/cmd/run-policy-pack` behind the
//     SDK's PolicyProxy (how CLI >= 3.2xx starts Node.js policy packs); other kinds (component
//     packages with a PulumiPlugin.yaml) run `@pulumi/pulumi/cmd/run-plugin`.
//   - GetRequiredPackages, GetProgramDependencies (packages.go): read node_modules.
//   - InstallDependencies (install.go): npm, yarn or pnpm, from the packagemanager option or the
//     lock file.
//   - Handshake, GetPluginInfo, About, Cancel (this file).
//
// Runtime options (options.go): typescript, tsconfig, nodeargs (split like a shell does) and
// packagemanager; any other option is rejected with an error naming it.
//
// Not implemented (the CLI reports "Unimplemented"): code generation (GeneratePackage, convert,
// import, Link, Pack), the sync-invoke pipe (only used by the deprecated *Sync invokes), debugger
// attach, and the bun runtime.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint (accepted, ignored)")
	runtimeName := flag.String("runtime", "nodejs", "only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()
	_ = tracing
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime %q: this host supports nodejs only", *runtimeName))
	}
	logging.InitLogging(false, 0, false)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		stop()
		close(cancel)
	}()
	if engineAddress != "" {
		// Exit when the engine goes away, like every Pulumi plugin.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}

	host := newHost(engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	cancelCtx     context.Context
	cancelFunc    context.CancelFunc
}

func newHost(engineAddress string) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{engineAddress: engineAddress, cancelCtx: ctx, cancelFunc: cancel}
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.EngineAddress
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Cancel stops every program this host runs (SIGINT, then a kill after a grace period).
func (h *host) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
}

// About reports node and the package manager the program's options and lock file select.
func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	opts, err := optionsOf(req.GetInfo())
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", nodeBin, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimSpace(string(out)),
		Metadata: map[string]string{
			"packagemanager": opts.resolvePackageManager(req.GetInfo().GetProgramDirectory()),
			"languageHost":   "vllm-pulumi tools/pulumi-cli",
		},
	}, nil
}
