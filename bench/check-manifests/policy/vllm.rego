# Rego equivalents of two of the pack's policies, for the check-manifests benchmark only:
# conftest runs them on the same generated input. They follow the pack's rules for the shapes
# the generator writes (workloads with vLLM images; autoscaling/v2 HPAs).
package main

import rego.v1

floating_tags := {"latest", "nightly", "main", "master", "dev", "edge", "stable", "head", "canary", "unstable"}

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := input.spec.template.spec if template_kinds[input.kind]

pod_spec := input.spec if input.kind == "Pod"

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

containers contains c if some c in pod_spec.containers

containers contains c if some c in pod_spec.initContainers

# The image without its digest, and the digest.
name_part(image) := split(image, "@")[0]

digest_part(image) := split(image, "@")[1]

# The last path segment (no registry, no tag) and the tag, from the part before any digest.
segments(image) := split(name_part(image), "/")

last_segment(image) := split(s, ":")[0] if s := segments(image)[count(segments(image)) - 1]

tag(image) := t if {
	s := segments(image)[count(segments(image)) - 1]
	parts := split(s, ":")
	count(parts) == 2
	t := parts[1]
}

vllm_image(image) if last_segment(image) == "vllm"

vllm_image(image) if regex.match(`^vllm-(openai|cpu)(-[a-z0-9]+)*$`, last_segment(image))

vllm_image(image) if {
	s := segments(image)
	count(s) == 2
	s[0] == "vllm"
}

pinned(image) if regex.match(`^sha256:[a-f0-9]{64}$`, digest_part(image))

pinned(image) if {
	not contains(image, "@")
	t := tag(image)
	not floating_tags[lower(t)]
	regex.match(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`, t)
}

deny contains msg if {
	some c in containers
	vllm_image(c.image)
	not pinned(c.image)
	msg := sprintf("vllm-image-pinned %s/%s container %q: image %q is not pinned to a version tag or digest", [input.kind, input.metadata.name, c.name, c.image])
}

gpu_utilization := [
	`(?i)DCGM_FI_DEV_GPU_UTIL`,
	`(?i)DCGM_FI_DEV_MEM_COPY_UTIL`,
	`(?i)DCGM_FI_PROF_(GR_ENGINE_ACTIVE|SM_ACTIVE|SM_OCCUPANCY)`,
	`(?i)(gpu|accelerator)[\W_]*duty[\W_]?cycle`,
	`(?i)gpu[_\-.: ]?util`,
	`(?i)utili[sz]ation[_\-.]?gpu`,
	`(?i)gpu[_\-]?busy`,
	`(?i)gpu_gfx_activity`,
	`^(nvidia\.com|amd\.com)/gpu$`,
]

metric_names(m) := {n |
	some n in [
		object.get(m, ["resource", "name"], ""),
		object.get(m, ["containerResource", "name"], ""),
		object.get(m, ["pods", "metric", "name"], ""),
		object.get(m, ["object", "metric", "name"], ""),
		object.get(m, ["external", "metric", "name"], ""),
	]
	n != ""
}

deny contains msg if {
	input.kind == "HorizontalPodAutoscaler"
	some m in input.spec.metrics
	some name in metric_names(m)
	some pattern in gpu_utilization
	regex.match(pattern, name)
	msg := sprintf("hpa-no-gpu-utilization HorizontalPodAutoscaler/%s scales on GPU utilization %q", [input.metadata.name, name])
}
