//go:build tools

// Package tools pins the main packages that build.sh builds, so that `go mod tidy` keeps their
// dependencies in go.sum.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
