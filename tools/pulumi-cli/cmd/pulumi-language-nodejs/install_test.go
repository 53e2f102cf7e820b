package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// install runs InstallDependencies and returns its streamed stdout and the final error.
func install(t *testing.T, client pulumirpc.LanguageRuntimeClient, dir string, opts map[string]any) (string, error) {
	t.Helper()
	stream, err := client.InstallDependencies(testCtx(t, 3*time.Minute), &pulumirpc.InstallDependenciesRequest{
		Info: programInfo(t, dir, opts),
	})
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			return out.String(), nil
		}
		if err != nil {
			return out.String(), err
		}
		out.Write(msg.GetStdout())
	}
}

// fakeManagers puts `yarn` and `pnpm` scripts first on PATH that record their cwd and arguments
// in <dir>/<name>.called, so the test sees which manager the host ran, without installing one.
func fakeManagers(t *testing.T, names ...string) string {
	t.Helper()
	bin := t.TempDir()
	for _, n := range names {
		script := "#!/bin/sh\necho \"$PWD $*\" > \"$PWD/" + n + ".called\"\n"
		writeFile(t, filepath.Join(bin, n), script)
		if err := os.Chmod(filepath.Join(bin, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return bin
}

// The default (no option, no lock file) is a real `npm install`, which writes package-lock.json.
func TestInstallDependenciesNpm(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Fatalf("npm is not on PATH: %v", err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"), `{"name":"empty-program","version":"1.0.0","private":true}`)
	out, err := install(t, startHost(t), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Installing dependencies with npm install") {
		t.Errorf("stdout: %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err != nil {
		t.Fatalf("npm install did not run in the program directory: %v", err)
	}
}

// packagemanager=yarn|pnpm runs that manager; auto follows the lock file.
func TestInstallDependenciesHonoursPackageManager(t *testing.T) {
	fakeManagers(t, "yarn", "pnpm")
	client := startHost(t)
	cases := []struct {
		name, lock string
		opts       map[string]any
		want       string
	}{
		{"option yarn", "", map[string]any{"packagemanager": "yarn"}, "yarn"},
		{"option pnpm over a yarn.lock", "yarn.lock", map[string]any{"packagemanager": "pnpm"}, "pnpm"},
		{"auto with yarn.lock", "yarn.lock", map[string]any{"packagemanager": "auto"}, "yarn"},
		{"no option with pnpm-lock.yaml", "pnpm-lock.yaml", nil, "pnpm"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "package.json"), `{"name":"p"}`)
			if c.lock != "" {
				writeFile(t, filepath.Join(dir, c.lock), "")
			}
			out, err := install(t, client, dir, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			called, err := os.ReadFile(filepath.Join(dir, c.want+".called"))
			if err != nil {
				t.Fatalf("%s was not run: %v (stdout %q)", c.want, err, out)
			}
			if string(called) != dir+" install\n" {
				t.Errorf("%s ran as %q", c.want, called)
			}
			if !strings.Contains(out, "Installing dependencies with "+c.want+" install") {
				t.Errorf("stdout: %q", out)
			}
		})
	}
}

// A manager that is not installed, or a value the host does not support, is an error that says
// what to do, and nothing is run.
func TestInstallDependenciesRejects(t *testing.T) {
	bin := fakeManagers(t, "yarn")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+filepath.Dir(node)) // no pnpm, whatever the machine has
	client := startHost(t)
	cases := map[string]struct {
		opts map[string]any
		want string
	}{
		"missing pnpm": {map[string]any{"packagemanager": "pnpm"}, "packagemanager pnpm: pnpm not found on $PATH"},
		"bun":          {map[string]any{"packagemanager": "bun"}, `packagemanager "bun" is not supported`},
		"unknown":      {map[string]any{"packagemanager": "cargo"}, `packagemanager "cargo" is not one of auto, npm, yarn, pnpm`},
		"not a string": {map[string]any{"packagemanager": true}, "runtime option packagemanager must be a string"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "package.json"), `{"name":"p"}`)
			_, err := install(t, client, dir, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v does not contain %q", err, c.want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Fatalf("something ran: %v", entries)
			}
		})
	}
}

// About reports node and the package manager in effect for the program.
func TestAbout(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "yarn.lock"), "")
	client := startHost(t)
	resp, err := client.About(testCtx(t, time.Minute), &pulumirpc.AboutRequest{Info: programInfo(t, dir, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(resp.Executable) != "node" || !strings.HasPrefix(resp.Version, "v") {
		t.Errorf("about = %v", resp)
	}
	if resp.Metadata["packagemanager"] != "yarn" {
		t.Errorf("packagemanager = %q, want yarn (from yarn.lock)", resp.Metadata["packagemanager"])
	}
	resp, err = client.About(testCtx(t, time.Minute), &pulumirpc.AboutRequest{
		Info: programInfo(t, dir, map[string]any{"packagemanager": "npm"}),
	})
	if err != nil || resp.Metadata["packagemanager"] != "npm" {
		t.Errorf("with packagemanager=npm: %v %v", resp.GetMetadata(), err)
	}
}
