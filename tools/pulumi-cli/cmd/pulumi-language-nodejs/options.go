package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/shlex"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// options are the `runtime.options` of Pulumi.yaml / PulumiPlugin.yaml / PulumiPolicy.yaml.
// Every option this host does not act on is rejected here, so a setting never silently does
// nothing.
type options struct {
	typescript     bool
	tsconfigPath   string
	nodeArgs       []string
	packageManager string // "" = auto: chosen from the lock file in the program directory
}

// packageManagers maps each supported `packagemanager` value to its lock file.
var packageManagers = map[string]string{"npm": "package-lock.json", "yarn": "yarn.lock", "pnpm": "pnpm-lock.yaml"}

func parseOptions(m map[string]any) (options, error) {
	o := options{typescript: true}
	for k, v := range m {
		var err error
		switch k {
		case "typescript":
			o.typescript, err = boolOption(k, v)
		case "tsconfig":
			o.tsconfigPath, err = stringOption(k, v)
		case "nodeargs":
			var s string
			if s, err = stringOption(k, v); err == nil {
				o.nodeArgs, err = splitNodeArgs(s)
			}
		case "packagemanager":
			var s string
			if s, err = stringOption(k, v); err == nil {
				o.packageManager, err = checkPackageManager(s)
			}
		default:
			err = fmt.Errorf("unsupported runtime option %q: this language host understands "+
				"typescript, tsconfig, nodeargs and packagemanager", k)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

func boolOption(k string, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("runtime option %s must be a boolean, got %v", k, v)
	}
	return b, nil
}

func stringOption(k string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("runtime option %s must be a string, got %v", k, v)
	}
	return s, nil
}

// splitNodeArgs splits `nodeargs` like a POSIX shell does (quotes and backslashes), without
// expanding anything, so `--require "./my hooks.js"` stays one argument.
func splitNodeArgs(s string) ([]string, error) {
	args, err := shlex.Split(s)
	if err != nil {
		return nil, fmt.Errorf("runtime option nodeargs %q: %w", s, err)
	}
	return args, nil
}

func checkPackageManager(s string) (string, error) {
	switch s {
	case "", "auto":
		return "", nil
	case "bun":
		return "", errors.New(`runtime option packagemanager "bun" is not supported: this language host ` +
			`runs programs with node only; use npm, yarn or pnpm`)
	}
	if _, ok := packageManagers[s]; !ok {
		return "", fmt.Errorf("runtime option packagemanager %q is not one of auto, npm, yarn, pnpm", s)
	}
	return s, nil
}

// resolvePackageManager picks the package manager for dir: the option when set, otherwise the
// one whose lock file is in dir (npm when there is none or several).
func (o options) resolvePackageManager(dir string) string {
	if o.packageManager != "" {
		return o.packageManager
	}
	found := ""
	for name, lock := range packageManagers {
		if _, err := os.Stat(filepath.Join(dir, lock)); err == nil {
			if found != "" {
				return "npm"
			}
			found = name
		}
	}
	if found == "" {
		return "npm"
	}
	return found
}

// env is what @pulumi/pulumi's cmd/run and cmd/run-plugin read the TypeScript options from.
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
