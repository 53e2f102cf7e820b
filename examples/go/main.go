// VllmService from Go, through the SDK `pulumi package gen-sdk` generates from the component
// package (see README: "The component from other languages"). The import path is the generator's
// default for a schema without a Go import base path; map it to the generated folder in go.mod:
//
//	require example.com/pulumi-vllm/sdk/go v0.0.0
//	replace example.com/pulumi-vllm/sdk/go => ./sdks/go
package main

import (
	"example.com/pulumi-vllm/sdk/go/vllm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		svc, err := vllm.NewVllmService(ctx, "llm", &vllm.VllmServiceArgs{
			Name:               pulumi.StringRef("vllm-go"),
			Namespace:          pulumi.StringRef("vllm-go"),
			CreateNamespace:    pulumi.BoolRef(true),
			Model:              "Qwen/Qwen2.5-0.5B-Instruct",
			ModelRevision:      "7ae557604adf67be50417f59c2c2f167def9a775",
			TensorParallelSize: pulumi.Float64Ref(1),
			MaxReplicas:        pulumi.Float64Ref(2),
			ApiKey:             cfg.RequireSecret("apiKey").ToStringPtrOutput(),
		})
		if err != nil {
			return err
		}
		ctx.Export("url", svc.Url)
		return nil
	})
}
