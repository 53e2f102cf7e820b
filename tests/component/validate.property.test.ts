/**
 * Property-based tests (fast-check) of the pure validation: valid args always validate; any
 * corruption of one key fails with VllmServiceArgsError naming it, and no input ever escapes as
 * another error. (The component under the policy pack: component.property.test.ts.)
 */
import { expect } from "chai";
import fc from "fast-check";
import { VllmServiceArgs } from "../../components/args";
import { ARG_NAMES } from "../../components/argNames";
import { durationMs, scrapeDurationProblem } from "../../components/durations";
import { extraArgsProblems, OWNED_FLAGS } from "../../components/extraArgs";
import { configMapKeyProblem, dns1123LabelProblem, labelKeyProblem, labelValueProblem } from "../../components/kubeNames";
import { validateArgs, VllmServiceArgsError } from "../../components/validate";
import { dnsLabel, duration, labelKey, labelValue, validArgs } from "./argsArbitrary";

/** validateArgs' outcome: the problems, or [] when valid. Any other exception fails the property. */
function problems(args: unknown): string[] {
    try {
        validateArgs("vllm-server", args as VllmServiceArgs);
        return [];
    } catch (e) {
        if (!(e instanceof VllmServiceArgsError)) throw e;
        return e.problems;
    }
}

describe("validation properties (fast-check)", () => {
    it("accepts every valid combination of args", () => {
        fc.assert(fc.property(validArgs, (args) => {
            expect(problems(args)).to.deep.equal([]);
        }), { numRuns: 300 });
    });

    it("never throws anything but VllmServiceArgsError, whatever the values", () => {
        const anyValue = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.double(), fc.constant(undefined));
        fc.assert(fc.property(fc.dictionary(fc.constantFrom(...ARG_NAMES, "bogus"), anyValue), (args) => {
            problems(args);
        }), { numRuns: 500 });
    });

    it("names the key when one key of valid args is replaced by a value of the wrong type", () => {
        // null means unset (the default applies), as in the SLO settings.
        const wrong = fc.oneof(fc.constant({ x: [] }), fc.constant([[1]]), fc.constant(Symbol.for("x").toString() + " \n"));
        fc.assert(fc.property(validArgs, fc.constantFrom(...ARG_NAMES.filter((k) => !["hfToken", "apiKey", "adapterNamespace", "grafanaDashboardNamespace"].includes(k))), wrong,
            (args, key, value) => {
                const found = problems({ ...args, [key]: value });
                expect(found.some((p) => p.startsWith(`${key}: `)), `${key}=${JSON.stringify(value)}: ${found.join("; ")}`).to.equal(true);
            }), { numRuns: 300 });
    });

    it("refuses every managed flag in any spelling and form, without echoing its value", () => {
        const spelled = fc.tuple(fc.constantFrom(...Object.keys(OWNED_FLAGS)), fc.boolean(), fc.boolean()).map(([flag, underscores, equals]) => {
            const name = underscores ? "--" + flag.slice(2).replace(/-/g, "_") : flag;
            return equals ? [`${name}=SECRET-VALUE`] : [name, "SECRET-VALUE"];
        });
        fc.assert(fc.property(spelled, (args) => {
            const found = extraArgsProblems(args);
            expect(found.length).to.be.greaterThan(0);
            expect(found.join(" ")).to.not.contain("SECRET-VALUE");
        }));
    });
});

describe("Kubernetes name rules (fast-check)", () => {
    it("accepts generated DNS labels, label keys, values and Secret keys", () => {
        fc.assert(fc.property(dnsLabel, labelKey, labelValue, (ns, key, value) => {
            expect(dns1123LabelProblem(ns)).to.equal(undefined);
            expect(labelKeyProblem(key)).to.equal(undefined);
            expect(labelValueProblem(value)).to.equal(undefined);
            expect(configMapKeyProblem(key.replace("/", "."))).to.equal(undefined);
        }));
    });

    it("refuses any string with a character outside the allowed set", () => {
        const bad = fc.constantFrom(" ", "!", "@", "\n", "é", "*", ",");
        fc.assert(fc.property(dnsLabel, bad, (s, c) => {
            const withBad = s + c + s;
            expect(dns1123LabelProblem(withBad)).to.be.a("string");
            expect(labelValueProblem(withBad)).to.be.a("string");
            expect(configMapKeyProblem(withBad)).to.be.a("string");
        }));
    });

    it("refuses a label key whose prefix is not a DNS subdomain", () => {
        fc.assert(fc.property(dnsLabel, dnsLabel, fc.constantFrom("..", ".-", "-.", "_", "A"), (a, b, glue) => {
            expect(labelKeyProblem(`${a}${glue}${b}/name`)).to.match(/prefix/);
        }));
    });
});

describe("Prometheus durations (fast-check)", () => {
    it("accepts every duration with units in order, and computes its length", () => {
        fc.assert(fc.property(duration, (d) => {
            expect(scrapeDurationProblem(d), d).to.equal(undefined);
            expect(durationMs(d)).to.be.greaterThan(0);
        }));
    });

    it("refuses two units out of order, which Prometheus parses but the Operator's CRD does not", () => {
        const order = ["y", "w", "d", "h", "m", "s", "ms"];
        const pair = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })).filter(([a, b]) => a > b);
        fc.assert(fc.property(pair, fc.integer({ min: 1, max: 99 }), ([a, b], n) => {
            expect(scrapeDurationProblem(`${n}${order[a]}${n}${order[b]}`)).to.match(/not a duration the Prometheus Operator accepts/);
        }));
    });
});
