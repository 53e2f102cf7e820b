/** The walk over the links and what the doctor prints. */
import { expect } from "chai";
import { walkChain } from "../../doctor/chain";
import { jsonReport, textReport } from "../../doctor/report";
import { LINKS, LinkId, Verdict } from "../../doctor/types";

const allOk = (): Record<LinkId, Verdict> => Object.fromEntries(LINKS.map((l) => [l, { status: "ok", detail: `${l} fine` }])) as Record<LinkId, Verdict>;
const target = { namespace: "vllm-dev", service: "vllm-server", deployment: "vllm-server", hpa: "vllm-server", source: "stack dev" };

describe("doctor chain and report", () => {
    it("exits 0 with one ok line per link, in the chain's order", () => {
        const o = walkChain(allOk());
        expect(o.exitCode).to.equal(0);
        const lines = textReport(target, "here", o).split("\n");
        expect(lines).to.have.length(LINKS.length + 2);
        expect(lines.slice(1, -1).map((l) => l.split(/\s+/)[1])).to.deep.equal([...LINKS]);
        expect(lines.at(-1)).to.equal("every link holds");
    });
    it("names the first broken link with its fix and marks later problems as after it", () => {
        const v = allOk();
        v["servicemonitor-selected"] = { status: "broken", detail: "not selected", fix: "set serviceMonitorLabels" };
        v.series = { status: "broken", detail: "no series", fix: "scrape" };
        v["prometheus-rule"] = { status: "not checked", detail: "no rule" };
        const o = walkChain(v);
        expect(o.exitCode).to.equal(1);
        expect(o.firstBroken?.link).to.equal("servicemonitor-selected");
        expect(o.results.find((r) => r.link === "series")?.after).to.equal("servicemonitor-selected");
        expect(o.results.find((r) => r.link === "prometheus-rule")?.after).to.equal("servicemonitor-selected");
        expect(o.results.find((r) => r.link === "hpa")?.after).to.equal(undefined);
        const text = textReport(target, "here", o);
        expect(text).to.match(/^BROKEN +servicemonitor-selected +not selected -> fix: set serviceMonitorLabels$/m);
        expect(text).to.match(/^BROKEN +series .*\[after servicemonitor-selected\]$/m);
        expect(text.split("\n").at(-1)).to.equal("first broken link: servicemonitor-selected (Prometheus selects the ServiceMonitor); fix: set serviceMonitorLabels");
    });
    it("a link that cannot be judged is not \"every link holds\": exit 4, named in the last line", () => {
        const v = allOk();
        v["adapter-timing"] = { status: "not checked", detail: "cannot read flags" };
        const o = walkChain(v);
        expect(o.exitCode).to.equal(4);
        const text = textReport(target, "here", o);
        expect(text).to.match(/^skipped adapter-timing/m);
        expect(text.split("\n").at(-1)).to.equal("no link is broken, but 1 could not be judged: adapter-timing (see why above)");
        expect(JSON.parse(jsonReport(target, "here", o)).ok).to.equal(false);
    });
    it("a broken link wins over an unjudged one (exit 1)", () => {
        const v = allOk();
        v["adapter-timing"] = { status: "not checked", detail: "cannot read flags" };
        v.hpa = { status: "broken", detail: "x", fix: "y" };
        expect(walkChain(v).exitCode).to.equal(1);
    });
    it("--json carries the same verdicts", () => {
        const v = allOk();
        v.hpa = { status: "broken", detail: "x", fix: "y" };
        const doc = JSON.parse(jsonReport(target, "here", walkChain(v)));
        expect(doc.ok).to.equal(false);
        expect(doc.firstBroken).to.equal("hpa");
        expect(doc.links).to.have.length(LINKS.length);
        expect(doc.links[7]).to.include({ link: "hpa", status: "broken", fix: "y" });
    });
});
