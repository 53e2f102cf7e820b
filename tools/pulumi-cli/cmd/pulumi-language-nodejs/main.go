// Command pulumi-language-nodejs is this project's Node.js language host for the Pulumi CLI.
//
// Why it exists: upstream's host lives in the nested Go module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, and the Go module proxy
// reachable here serves no version of that module (every request, tagged or by commit, is
// answered "403 This module version is not available"). Without a language host the CLI cannot
// run a TypeScript program at all, so this file implements the LanguageRuntime gRPC service from
// pulumi/sdk/v3 (the same proto and helpers upstream uses) for the parts the CLI calls when it
// runs `pulumi preview/up/destroy` and `--policy-pack` on a Node.js project:
//
//   - Run: starts `node <@pulumi/pulumi/cmd/run> --monitor ... <entry point>` with PULUMI_CONFIG,
//     PULUMI_CONFIG_SECRET_KEYS and PULUMI_NODEJS_TYPESCRIPT, as the SDK's cmd/run expects.
//   - RunPlugin: for kind=analyzer runs `@pulumi/pulumi/cmd/run-policy-pack` behind the SDK's
//     PolicyProxy (this is how CLI >= 3.2xx starts Node.js policy packs); for other kinds runs
//     `@pulumi/pulumi/cmd/run-plugin`.
//   - GetRequiredPackages: scans node_modules for package.json files with "pulumi.resource".
//   - Handshake, GetPluginInfo, InstallDependencies (npm install), About,
//     GetProgramDependencies, Cancel.
//
// Not implemented (the CLI reports "Unimplemented"): code generation (convert/import/new
// templates), Pack, Link, the sync-invoke pipe (only used by the deprecated *Sync invokes),
// debugger attach, and the bun runtime.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	runModule        = "@pulumi/pulumi/cmd/run"
	runPluginModule  = "@pulumi/pulumi/cmd/run-plugin"
	runPolicyModule  = "@pulumi/pulumi/cmd/run-policy-pack"
	exitAlreadyShown = 32 // @pulumi/pulumi exits with 32 after printing an actionable message
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

// options are the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml that matter for running.
type options struct {
	typescript   bool
	tsconfigPath string
	nodeArgs     []string
}

func parseOptions(m map[string]any) (options, error) {
	o := options{typescript: true}
	if v, ok := m["typescript"]; ok {
		b, ok := v.(bool)
		if !ok {
			return o, errors.New("typescript option must be a boolean")
		}
		o.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("tsconfig option must be a string")
		}
		o.tsconfigPath = s
	}
	if v, ok := m["nodeargs"]; ok {
		s, ok := v.(string)
		if !ok {
			return o, errors.New("nodeargs option must be a string")
		}
		o.nodeArgs = strings.Fields(s) // no shell quoting support
	}
	return o, nil
}

func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfigPath != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfigPath)
	}
	return env
}

func optionsOf(info *pulumirpc.ProgramInfo) (options, error) {
	if info == nil || info.Options == nil {
		return parseOptions(nil)
	}
	return parseOptions(info.Options.AsMap())
}

// resolveModule asks node where `mod` resolves from dir (so the program's own node_modules wins).
func resolveModule(ctx context.Context, nodeBin, dir, mod string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)); } catch (e) { `+
		`if (e.code === "MODULE_NOT_FOUND") { console.error("It looks like the Pulumi SDK has not been installed. `+
		`Have you run npm install in %s?"); } else { console.error(e.message); } process.exit(1); }`, mod, dir)
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
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

func (h *host) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
}

// packageJSON holds the package.json fields this host reads.
type packageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	DevDeps      map[string]string `json:"devDependencies"`
	Pulumi       struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// GetRequiredPackages lists the resource plugins of every package under node_modules whose
// package.json says {"pulumi": {"resource": true}} (the Node.js SDK convention).
func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	seen := map[string]bool{}
	var pkgs []*pulumirpc.PackageDependency
	var walk func(nm string)
	walk = func(nm string) {
		real, err := filepath.EvalSymlinks(nm)
		if err != nil || seen[real] {
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(real)
		if err != nil {
			return
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			if strings.HasPrefix(name, "@") {
				scoped, err := os.ReadDir(filepath.Join(real, name))
				if err != nil {
					continue
				}
				for _, s := range scoped {
					visitPackage(filepath.Join(real, name, s.Name()), &pkgs, walk)
				}
				continue
			}
			visitPackage(filepath.Join(real, name), &pkgs, walk)
		}
	}
	walk(filepath.Join(dir, "node_modules"))
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Name < pkgs[j].Name })
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func visitPackage(dir string, pkgs *[]*pulumirpc.PackageDependency, walk func(string)) {
	if p, err := readPackageJSON(filepath.Join(dir, "package.json")); err == nil && p.Pulumi.Resource {
		name := p.Pulumi.Name
		if name == "" && strings.HasPrefix(p.Name, "@pulumi/") {
			name = strings.TrimPrefix(p.Name, "@pulumi/")
		}
		ver := p.Pulumi.Version
		if ver == "" {
			ver = p.Version
		}
		if name != "" && ver != "" {
			if !strings.HasPrefix(ver, "v") {
				ver = "v" + ver
			}
			*pkgs = append(*pkgs, &pulumirpc.PackageDependency{
				Name: name, Kind: "resource", Version: ver, Server: p.Pulumi.Server,
			})
		}
	}
	walk(filepath.Join(dir, "node_modules")) // nested node_modules
}

// Run executes the program with @pulumi/pulumi's cmd/run, resolved from the program directory.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "RunRequest without program info"}, nil
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not find node on the $PATH: %v", err)}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = runModule
	}
	if runPath, err = resolveModule(ctx, nodeBin, info.ProgramDirectory, runPath); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := optionsOf(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runPath)
	flagArg := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engine())
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.RootDirectory)
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.ProgramDirectory)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	entry := info.EntryPoint
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	// Config keys are handed to the SDK in the legacy "<namespace>:config:<name>" form, which
	// every @pulumi/pulumi version reads.
	cfg := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgJSON, _ := json.Marshal(cfg)
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, _ := json.Marshal(secretKeys)

	env := os.Environ()
	env = append(env, "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	env = append(env, opts.env()...)

	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	context.AfterFunc(ctx, cmdCancel)
	cmd := exec.CommandContext(cmdCtx, nodeBin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	// Wrap the writers so node never gets our fds directly (node may switch them to non-blocking).
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	cmd.Env = env
	logging.V(5).Infof("language host launching: %s %s", nodeBin, strings.Join(args, " "))

	if err := cmd.Run(); err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ee.ExitCode() == exitAlreadyShown {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ee.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a Node.js plugin; the CLI uses it for Node.js policy packs (kind "analyzer").
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	if info == nil {
		return errors.New("RunPluginRequest without program info")
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	opts, err := optionsOf(info)
	if err != nil {
		return err
	}
	isAnalyzer := req.GetKind() == string(apitype.AnalyzerPlugin)
	mod := runPluginModule
	if isAnalyzer {
		mod = runPolicyModule
	} else if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		mod = p
	}
	runPath, err := resolveModule(ctx, nodeBin, info.ProgramDirectory, mod)
	if err != nil {
		return err
	}

	env := append(append([]string{}, req.GetEnv()...), opts.env()...)
	args := append([]string{runPath}, opts.nodeArgs...)
	if isAnalyzer {
		// run-policy-pack takes <engine address> and then the pack directory, last.
		args = append(args, req.GetArgs()...)
		args = append(args, info.ProgramDirectory)
	} else {
		args = append(args, info.ProgramDirectory)
		args = append(args, req.GetArgs()...)
	}

	var proxy *sdk.PolicyProxy
	if isAnalyzer {
		// The engine first talks to the proxy (Handshake + ConfigureStack); only then is the
		// real pack started, with the stack's identity and config in its environment.
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		conf, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if conf != nil {
			add := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			add("PULUMI_NODEJS_ORGANIZATION", conf.Organization)
			add("PULUMI_NODEJS_PROJECT", conf.Project)
			add("PULUMI_NODEJS_STACK", conf.Stack)
			add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(conf.DryRun))
			if conf.Config != nil {
				b, err := json.Marshal(conf.Config)
				if err != nil {
					return err
				}
				add("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	if isAnalyzer {
		cmd.Dir = info.ProgramDirectory // packs have always run from their own directory
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("language host launching plugin: %s %s", nodeBin, strings.Join(args, " "))

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start plugin: %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach policy pack proxy: %w", err)
		}
	} else if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", ee.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// InstallDependencies runs `npm install` in the program directory.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	fmt.Fprintln(stdout, "Installing dependencies with npm install...")
	cmd := exec.CommandContext(server.Context(), "npm", "install")
	cmd.Dir = req.GetInfo().GetProgramDirectory()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install failed: %w", err)
	}
	fmt.Fprintln(stdout, "Finished installing dependencies")
	return closer.Close()
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, _ := exec.CommandContext(ctx, nodeBin, "--version").Output()
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimSpace(string(out)),
		Metadata:   map[string]string{"packagemanager": "npm", "languageHost": "vllm-pulumi tools/pulumi-cli"},
	}, nil
}

// GetProgramDependencies reports the installed versions of the program's direct dependencies.
func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	root, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(root.Dependencies)+len(root.DevDeps))
	for n := range root.Dependencies {
		names = append(names, n)
	}
	for n := range root.DevDeps {
		names = append(names, n)
	}
	sort.Strings(names)
	var deps []*pulumirpc.DependencyInfo
	for _, n := range names {
		if p, err := readPackageJSON(filepath.Join(dir, "node_modules", n, "package.json")); err == nil {
			deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: p.Version})
		}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
