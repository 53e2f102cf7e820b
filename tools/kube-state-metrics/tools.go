//go:build tools

// Package tools pins the main package that build.sh builds, so that `go mod tidy` keeps its
// dependencies in go.sum.
package tools

import _ "k8s.io/kube-state-metrics/v2"
