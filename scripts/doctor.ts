/**
 * `npm run doctor -- --stack NAME`: walks the elasticity chain of a deployed VllmService (pods
 * Ready -> /metrics -> ServiceMonitor selected -> series -> APIService -> adapter serves the
 * metric -> adapter relist vs scrape -> HPA -> PrometheusRule loaded) and prints one line per
 * link. Exit 0: every link holds; 1: a link is broken (the first one is named); 2: bad input
 * (unknown stack, unreachable cluster, missing objects, bad flags); 3: the doctor itself failed;
 * 4: no link is broken, but some could not be judged (not "ok" for a CI gate).
 * The command line itself is doctor/cli.ts.
 */
import { doctorCli } from "../doctor/cli";

// Exit once both streams are flushed: the Kubernetes client may keep sockets open.
doctorCli(process.argv.slice(2)).then((r) => {
    process.stderr.write(r.stderr, () => process.stdout.write(r.stdout, () => process.exit(r.code)));
});
