package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

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
	w := &pluginWalker{seen: map[string]bool{}}
	w.walk(filepath.Join(req.GetInfo().GetProgramDirectory(), "node_modules"))
	sort.Slice(w.pkgs, func(i, j int) bool { return w.pkgs[i].Name < w.pkgs[j].Name })
	return &pulumirpc.GetRequiredPackagesResponse{Packages: w.pkgs}, nil
}

// pluginWalker visits node_modules trees once each (symlinks resolved, so pnpm's layout and
// links back up the tree end).
type pluginWalker struct {
	seen map[string]bool
	pkgs []*pulumirpc.PackageDependency
}

func (w *pluginWalker) walk(nm string) {
	real, err := filepath.EvalSymlinks(nm)
	if err != nil || w.seen[real] {
		return
	}
	w.seen[real] = true
	entries, err := os.ReadDir(real)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if !strings.HasPrefix(name, "@") {
			w.visit(filepath.Join(real, name))
			continue
		}
		scoped, err := os.ReadDir(filepath.Join(real, name))
		if err != nil {
			continue
		}
		for _, s := range scoped {
			w.visit(filepath.Join(real, name, s.Name()))
		}
	}
}

func (w *pluginWalker) visit(dir string) {
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
			w.pkgs = append(w.pkgs, &pulumirpc.PackageDependency{
				Name: name, Kind: "resource", Version: ver, Server: p.Pulumi.Server,
			})
		}
	}
	w.walk(filepath.Join(dir, "node_modules")) // nested node_modules
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
