/** kube-scheduler with its default profile: resource fit, `nvidia.com/gpu` included. */
import { Component, Launch, launch } from "./component";
import { ControlLoopOptions, controlLoopFlags, healthz } from "./controlLoop";

export type SchedulerOptions = Launch & ControlLoopOptions;

export function startScheduler(o: SchedulerOptions): Component {
    return launch("kube-scheduler", controlLoopFlags("scheduler", o), o, healthz("kube-scheduler", o));
}
