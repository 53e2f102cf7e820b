/** The cluster's address plan. None of these ranges is routed anywhere outside the environment. */

/** Service ClusterIPs (the API server and the controller-manager must agree on it). */
export const SERVICE_CIDR = "10.96.0.0/16";
/** First IP of SERVICE_CIDR: the `kubernetes` Service, hence a SAN of the API server's certificate. */
export const SERVICE_IP = "10.96.0.1";
/** kwok hands fake pod IPs out of this range. */
export const POD_CIDR = "10.244.0.0/16";
/** kwok's own node IP: fake, never routed. */
export const KWOK_NODE_IP = "10.200.0.254";

/** InternalIP of the i-th fake node (1-based): fake, never routed. */
export function fakeNodeIp(i: number): string {
    return `10.200.0.${i}`;
}
