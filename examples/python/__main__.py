"""VllmService from Python, through the SDK `pulumi package gen-sdk` generates from the component
package (see README: "The component from other languages"); install it with
`pip install ./sdks/python` next to the `pulumi` package."""
import pulumi
import pulumi_vllm as vllm

config = pulumi.Config()
svc = vllm.VllmService(
    "llm",
    name="vllm-python",
    namespace="vllm-python",
    create_namespace=True,
    model="Qwen/Qwen2.5-0.5B-Instruct",
    model_revision="7ae557604adf67be50417f59c2c2f167def9a775",
    tensor_parallel_size=1,
    max_replicas=2,
    api_key=config.require_secret("apiKey"),
)
pulumi.export("url", svc.url)
