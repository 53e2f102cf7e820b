//go:build tools

// Package tools pins controller-gen and the API types it reads, so that `go mod tidy` keeps their
// dependencies in go.sum.
package tools

import (
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1beta1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
