package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// GetRequiredPackages finds resource plugins in node_modules: @pulumi/ scope, pulumi.name and
// pulumi.version overrides with a server, nested node_modules; plain packages are left out and
// a symlink cycle ends.
func TestGetRequiredPackages(t *testing.T) {
	dir := t.TempDir()
	nm := filepath.Join(dir, "node_modules")
	writeFile(t, filepath.Join(nm, "@pulumi", "kubernetes", "package.json"),
		`{"name":"@pulumi/kubernetes","version":"4.34.2","pulumi":{"resource":true}}`)
	writeFile(t, filepath.Join(nm, "@acme", "thing", "package.json"),
		`{"name":"@acme/thing","version":"9.9.9","pulumi":{"resource":true,"name":"thing","version":"1.2.3","server":"https://example.test"}}`)
	writeFile(t, filepath.Join(nm, "left-pad", "package.json"), `{"name":"left-pad","version":"1.3.0"}`)
	writeFile(t, filepath.Join(nm, "@pulumi", "pulumi", "package.json"), `{"name":"@pulumi/pulumi","version":"3.270.0"}`)
	writeFile(t, filepath.Join(nm, "left-pad", "node_modules", "@pulumi", "random", "package.json"),
		`{"name":"@pulumi/random","version":"v4.21.2","pulumi":{"resource":true}}`)
	writeFile(t, filepath.Join(nm, ".bin", "package.json"), `{"name":"@pulumi/hidden","version":"1.0.0","pulumi":{"resource":true}}`)
	if err := os.Symlink(nm, filepath.Join(nm, "left-pad", "node_modules", "loop")); err != nil {
		t.Fatal(err)
	}

	resp, err := startHost(t).GetRequiredPackages(testCtx(t, time.Minute), &pulumirpc.GetRequiredPackagesRequest{
		Info: programInfo(t, dir, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []*pulumirpc.PackageDependency{
		{Name: "kubernetes", Kind: "resource", Version: "v4.34.2"},
		{Name: "random", Kind: "resource", Version: "v4.21.2"},
		{Name: "thing", Kind: "resource", Version: "v1.2.3", Server: "https://example.test"},
	}
	if len(resp.Packages) != len(want) {
		t.Fatalf("packages = %v, want %v", resp.Packages, want)
	}
	for i, w := range want {
		g := resp.Packages[i]
		if g.Name != w.Name || g.Kind != w.Kind || g.Version != w.Version || g.Server != w.Server {
			t.Errorf("package %d = %v, want %v", i, g, w)
		}
	}
}

func TestGetRequiredPackagesWithoutNodeModules(t *testing.T) {
	resp, err := startHost(t).GetRequiredPackages(testCtx(t, time.Minute), &pulumirpc.GetRequiredPackagesRequest{
		Info: programInfo(t, t.TempDir(), nil),
	})
	if err != nil || len(resp.Packages) != 0 {
		t.Fatalf("got %v %v, want no packages", resp.GetPackages(), err)
	}
}

// GetProgramDependencies reports installed versions of direct dependencies, sorted.
func TestGetProgramDependencies(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"),
		`{"name":"p","dependencies":{"zeta":"^1","@pulumi/pulumi":"^3"},"devDependencies":{"missing":"1"}}`)
	writeFile(t, filepath.Join(dir, "node_modules", "zeta", "package.json"), `{"name":"zeta","version":"1.4.0"}`)
	writeFile(t, filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), `{"name":"@pulumi/pulumi","version":"3.270.0"}`)
	resp, err := startHost(t).GetProgramDependencies(testCtx(t, time.Minute), &pulumirpc.GetProgramDependenciesRequest{
		Info: programInfo(t, dir, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := resp.Dependencies
	if len(got) != 2 || got[0].Name != "@pulumi/pulumi" || got[0].Version != "3.270.0" ||
		got[1].Name != "zeta" || got[1].Version != "1.4.0" {
		t.Fatalf("dependencies = %v", got)
	}
}
