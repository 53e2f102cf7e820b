/**
 * How the control plane's processes are described: env/component.ts Components with their log in
 * `<logDir>/<name>.log` and the cluster's state dir as working directory.
 */
import * as path from "path";
import { Component } from "../component";
import { Readiness } from "../readiness";
import { ComponentName } from "./binaries";

export { Component };

/** Where and how any component runs. */
export interface Launch {
    /** The executable. */
    bin: string;
    /** Its log is `<logDir>/<name>.log`. */
    logDir: string;
    /** Working directory (relative paths a component writes land here). */
    cwd: string;
    /** Bound for the readiness wait (default 60 s). */
    readyTimeoutMs?: number;
}

export interface HealthCheck {
    /** What is waited for, in messages (`etcd http://127.0.0.1:2379/health`). */
    what: string;
    readiness: Readiness;
}

/** The component, not started yet (Component.start, or a Startup stage). */
export function clusterComponent(name: ComponentName, args: string[], l: Launch, health: HealthCheck): Component {
    return new Component({
        name,
        command: l.bin,
        args,
        cwd: l.cwd,
        logFile: path.join(l.logDir, `${name}.log`),
        what: health.what,
        readyTimeoutMs: l.readyTimeoutMs,
        readiness: health.readiness,
    });
}
