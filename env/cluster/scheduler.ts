/** kube-scheduler with its default profile: resource fit, `nvidia.com/gpu` included. */
import { Component, Launch, clusterComponent } from "./component";
import { ControlLoopOptions, controlLoopFlags, healthz } from "./controlLoop";

export type SchedulerOptions = Launch & ControlLoopOptions;

export function schedulerComponent(o: SchedulerOptions): Component {
    return clusterComponent("kube-scheduler", controlLoopFlags("scheduler", o), o, healthz("kube-scheduler", o));
}
