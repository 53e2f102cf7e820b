package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// RunPlugin runs a Node.js plugin: a policy pack (kind "analyzer", PulumiPolicy.yaml) or a
// source-based component package (kind "resource", PulumiPlugin.yaml). Its stdout and stderr
// are streamed back; the engine reads the plugin's gRPC port from the first stdout line.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	if info == nil {
		return errors.New("RunPluginRequest without program info")
	}
	opts, err := optionsOf(info)
	if err != nil {
		return err
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
	args := pluginArgs(req, opts, runPath, isAnalyzer)
	if isAnalyzer && !opts.typescript {
		args = compiledPackArgs(req, opts, runPath)
	}

	var proxy *sdk.PolicyProxy
	if isAnalyzer {
		var confEnv []string
		if proxy, stdout, confEnv, err = startPolicyProxy(ctx, stdout); err != nil {
			return err
		}
		env = append(env, confEnv...)
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = req.GetPwd()
	if isAnalyzer {
		cmd.Dir = info.ProgramDirectory // packs have always run from their own directory
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("language host launching plugin: %s %s", nodeBin, strings.Join(args, " "))

	if err := cmd.Start(); err != nil {
		if proxy != nil {
			proxy.Abort(err)
		}
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

// pluginArgs: node options first, then the SDK's entry script. run-policy-pack takes
// <engine address> and then the pack directory, last; run-plugin takes the plugin directory
// first, then the engine's arguments.
func pluginArgs(req *pulumirpc.RunPluginRequest, opts options, runPath string, isAnalyzer bool) []string {
	args := append(append([]string{}, opts.nodeArgs...), runPath)
	if isAnalyzer {
		args = append(args, req.GetArgs()...)
		return append(args, req.GetInfo().GetProgramDirectory())
	}
	args = append(args, req.GetInfo().GetProgramDirectory())
	return append(args, req.GetArgs()...)
}

// runCompiledPolicyPack starts a pack without ts-node: see run-policy-pack-js.js.
//
//go:embed run-policy-pack-js.js
var runCompiledPolicyPack string

// compiledPackArgs: node options, then the launcher with the directory of run-policy-pack (whose
// run.js it calls with typeScript: false), the engine's arguments and the pack directory. A pack
// whose PulumiPolicy.yaml says `typescript: false` is plain JavaScript, so registering ts-node
// (what upstream's run-policy-pack always does) only costs start-up time on every preview.
func compiledPackArgs(req *pulumirpc.RunPluginRequest, opts options, runPath string) []string {
	args := append(append([]string{}, opts.nodeArgs...), "-e", runCompiledPolicyPack, filepath.Dir(runPath))
	args = append(args, req.GetArgs()...)
	return append(args, req.GetInfo().GetProgramDirectory())
}

// startPolicyProxy puts the SDK's PolicyProxy in front of a pack: the engine first talks to the
// proxy (Handshake + ConfigureStack); only then is the real pack started, with the stack's
// identity and config in its environment. Returns the writer the pack's stdout must go to.
func startPolicyProxy(ctx context.Context, stdout io.Writer) (*sdk.PolicyProxy, io.Writer, []string, error) {
	proxy, packStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("could not start policy pack proxy: %w", err)
	}
	conf, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("could not get stack configuration: %w", err)
	}
	var env []string
	if conf == nil {
		return proxy, packStdout, env, nil
	}
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
			return nil, nil, nil, err
		}
		add("PULUMI_CONFIG", string(b))
	}
	return proxy, packStdout, env, nil
}
