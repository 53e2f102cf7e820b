/**
 * kwok: the simulated kubelets. It keeps the annotated fake nodes Ready and moves pods through the
 * Stage manifests it is given (built by tools/kwok into `<kwok>/../share/kwok/stages`).
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../repo";
import { findShareDir, hasYaml } from "./binaries";
import { Component, Launch, clusterComponent } from "./component";
import { KWOK_NODE_IP, POD_CIDR } from "./network";
import { KWOK_NODE_ANNOTATION } from "./nodes";

/**
 * Who makes pods Ready: "kwok" (its fast stage: Ready the moment they are scheduled) or "runner"
 * (kwok only gives them an IP; env/pods runs their processes and probes and sets readiness and restarts).
 */
export type PodLifecycle = "kwok" | "runner";

/** Our pod-start stage (env/kwok) replaces kwok's pod-ready when env/pods owns readiness. */
export const RUNNER_POD_STAGE = path.join(REPO_ROOT, "env", "kwok", "pod-start.yaml");

/** The Stage files kwok loads: every upstream stage, with pod-ready swapped for ours under "runner". */
export function kwokStageFiles(stagesDir: string, lifecycle: PodLifecycle): string[] {
    const upstream = fs
        .readdirSync(stagesDir)
        .filter((f) => f.endsWith(".yaml") && !(lifecycle === "runner" && f === "pod-ready.yaml"))
        .sort()
        .map((f) => path.join(stagesDir, f));
    return lifecycle === "runner" ? [...upstream, RUNNER_POD_STAGE] : upstream;
}

/** `stagesDir` when given, else `../share/kwok/stages` next to the kwok binary (or its real file). */
export function findStagesDir(kwokBin: string, stagesDir?: string): string {
    const dir = stagesDir ?? findShareDir([kwokBin], path.join("kwok", "stages"), hasYaml);
    if (!dir) {
        throw new Error(
            `local cluster: no kwok stages found next to ${kwokBin} (expected ../share/kwok/stages/*.yaml, written by tools/kwok/build.sh); pass stagesDir`,
        );
    }
    return dir;
}

export interface KwokOptions extends Launch {
    kubeconfig: string;
    /** Health and metrics port on 127.0.0.1. */
    port: number;
    stagesDir: string;
    podLifecycle: PodLifecycle;
}

export function kwokArgs(o: KwokOptions): string[] {
    return [
        `--kubeconfig=${o.kubeconfig}`,
        ...kwokStageFiles(o.stagesDir, o.podLifecycle).map((f) => `--config=${f}`),
        "--manage-all-nodes=false",
        `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`,
        "--node-lease-duration-seconds=40",
        `--cidr=${POD_CIDR}`,
        `--node-ip=${KWOK_NODE_IP}`,
        `--server-address=127.0.0.1:${o.port}`,
    ];
}

export function kwokComponent(o: KwokOptions): Component {
    const url = `http://127.0.0.1:${o.port}/healthz`;
    return clusterComponent("kwok", kwokArgs(o), o, { what: `kwok ${url}`, readiness: { http: url } });
}
