/**
 * What the controller-manager and the scheduler share: their own identity's kubeconfig, a
 * loopback-only secure port with a serving certificate from the cluster CA, client certificates
 * from that CA, a single instance (no leader election), and /healthz as their health check.
 */
import { HealthCheck } from "./component";
import { Pki } from "./pki";

export interface ControlLoopOptions {
    /** Its kubeconfig (also used for delegated authentication and authorization). */
    kubeconfig: string;
    /** Secure port on 127.0.0.1. */
    port: number;
    pki: Pki;
}

/** `identity` names the serving certificate `<identity>-serving` of the PKI. */
export function controlLoopFlags(identity: string, o: ControlLoopOptions): string[] {
    const serving = o.pki.cert(`${identity}-serving`);
    return [
        `--kubeconfig=${o.kubeconfig}`,
        `--authentication-kubeconfig=${o.kubeconfig}`,
        `--authorization-kubeconfig=${o.kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${o.port}`,
        `--tls-cert-file=${serving.crt}`,
        `--tls-private-key-file=${serving.key}`,
        `--client-ca-file=${o.pki.caCrt}`,
        "--leader-elect=false",
    ];
}

export function healthz(component: string, o: ControlLoopOptions): HealthCheck {
    const url = `https://127.0.0.1:${o.port}/healthz`;
    return { what: `${component} ${url}`, readiness: { http: url, ca: o.pki.caCrt } };
}
