/**
 * Property-based tests (fast-check) of the parser's pure functions: image references against
 * the distribution/reference grammar, quantities against the API server's grammar, and the
 * shell tokenizer against a real POSIX shell (`sh -c 'printf "%s\0" ...'`) as the oracle.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import fc from "fast-check";
import { formatImageReference, ImageReference, parseImageReference, parseQuantity, shellWords } from "@vllm-pulumi/kube-parser";

const chars = (alphabet: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...alphabet.split("")), minLength: min, maxLength: max });
const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

/** path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [._] | "__" | "-"+ */
const pathComponent = fc
    .tuple(chars(LOWER_ALNUM, 1, 6), fc.array(fc.tuple(fc.constantFrom(".", "_", "__", "-", "--", "---"), chars(LOWER_ALNUM, 1, 6)), { maxLength: 3 }))
    .map(([first, rest]) => first + rest.map(([sep, atom]) => sep + atom).join(""));
/** A registry that the grammar and Docker both read as a registry: has a "." or a port, or is localhost. */
const domainLabel = fc.tuple(chars(LOWER_ALNUM + "ABCXYZ", 1, 1), chars(LOWER_ALNUM + "-", 0, 6), chars(LOWER_ALNUM, 1, 1)).map(([a, b, c]) => a + b + c);
const domain = fc.oneof(
    fc.tuple(domainLabel, fc.array(domainLabel, { minLength: 1, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 65535 }))).map(([h, rest, port]) => `${[h, ...rest].join(".")}${port ? ":" + port : ""}`),
    fc.tuple(domainLabel, fc.integer({ min: 1, max: 65535 })).map(([h, port]) => `${h}:${port}`),
    fc.constant("localhost"),
    fc.constant("[::1]:5000"),
);
const tag = fc.tuple(chars("abcXYZ019_", 1, 1), chars("abcXYZ019_.-", 0, 20)).map(([a, b]) => a + b);
const hex = (n: number) => chars("0123456789abcdef", n, n);
const digest = fc.oneof(hex(64).map(h => `sha256:${h}`), hex(128).map(h => `sha512:${h}`));
const reference: fc.Arbitrary<ImageReference> = fc.record(
    { domain: fc.option(domain, { nil: undefined }), path: fc.array(pathComponent, { minLength: 1, maxLength: 3 }).map(p => p.join("/")), tag: fc.option(tag, { nil: undefined }), digest: fc.option(digest, { nil: undefined }) },
    { requiredKeys: ["path"] },
);

describe("kube parser properties: image references (distribution/reference grammar)", () => {
    it("parses every reference the grammar generates back into the same parts", () => {
        fc.assert(
            fc.property(reference, ref => {
                // Without a registry, a first segment with a "." is a registry to Docker (next test).
                fc.pre(ref.domain !== undefined || !/[.:]|^localhost$/.test(ref.path.split("/")[0]) || !ref.path.includes("/"));
                const text = formatImageReference(ref);
                const parsed = parseImageReference(text);
                expect(parsed, text).to.deep.equal({ ok: true, ref: JSON.parse(JSON.stringify(ref)) });
                expect(formatImageReference((parsed as { ref: ImageReference }).ref)).to.equal(text);
            }),
            { numRuns: 500 },
        );
    });

    it("reads a first segment without '.' or ':' as part of a Docker Hub path, and one with '.' as a registry, as Docker does", () => {
        fc.assert(
            fc.property(pathComponent, pathComponent, fc.option(tag, { nil: undefined }), (org, repo, t) => {
                fc.pre(org !== "localhost" && !org.includes("."));
                const text = `${org}/${repo}${t !== undefined ? ":" + t : ""}`;
                expect(parseImageReference(text)).to.deep.equal({ ok: true, ref: JSON.parse(JSON.stringify({ path: `${org}/${repo}`, tag: t })) });
                if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(org)) {
                    expect(parseImageReference(`${org}.io/${repo}`)).to.deep.equal({ ok: true, ref: { domain: `${org}.io`, path: repo } });
                }
            }),
        );
    });

    it("refuses surrounding whitespace, upper case in the repository and bad digests, naming the problem", () => {
        fc.assert(
            fc.property(reference, fc.constantFrom(" ", "\t", "\n"), fc.boolean(), (ref, ws, before) => {
                const text = formatImageReference(ref);
                const bad = before ? ws + text : text + ws;
                expect(parseImageReference(bad)).to.deep.include({ ok: false });
                expect((parseImageReference(bad) as { problem: string }).problem).to.include("leading or trailing whitespace");
            }),
        );
        fc.assert(
            fc.property(reference, ref => {
                // In the last path segment: a first segment with upper case is a registry to Docker.
                const last = ref.path.lastIndexOf("/") + 1;
                fc.pre(/[a-z]/.test(ref.path.slice(last)));
                const upper = { ...ref, path: ref.path.slice(0, last) + ref.path.slice(last).replace(/[a-z]/, c => c.toUpperCase()) };
                const r = parseImageReference(formatImageReference(upper));
                expect(r.ok).to.equal(false);
                expect((r as { problem: string }).problem).to.include("upper-case letters in its repository name");
            }),
        );
        fc.assert(
            fc.property(reference, fc.integer({ min: 1, max: 63 }), (ref, n) => {
                const r = parseImageReference(`${formatImageReference({ ...ref, digest: undefined })}@sha256:${"a".repeat(n)}`);
                expect(r.ok).to.equal(false);
                expect((r as { problem: string }).problem).to.include("malformed digest");
            }),
        );
    });

    it("answers quickly on long hostile input (no exponential backtracking)", () => {
        const started = Date.now();
        for (const s of ["a".repeat(5000) + "!", "a-".repeat(2000) + "A", ("a" + "_".repeat(3)).repeat(500)]) {
            expect(parseImageReference(s).ok).to.equal(false);
        }
        expect(Date.now() - started, "milliseconds for three hostile inputs").to.be.below(1000);
    });
});

/** Kubernetes' quantity grammar: <sign?><digits[.digits] | .digits><binarySI | decimalSI | e<int>>. */
const SUFFIXES: Record<string, number> = { "": 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6 };
const quantity = fc.record({
    sign: fc.constantFrom("", "+", "-"),
    int: chars("0123456789", 0, 6),
    frac: fc.option(chars("0123456789", 0, 4), { nil: undefined }),
    suffix: fc.oneof(fc.constantFrom(...Object.keys(SUFFIXES)), fc.integer({ min: -5, max: 5 }).map(e => `e${e}`)),
});

describe("kube parser properties: quantities (Kubernetes' grammar)", () => {
    it("accepts every quantity of the grammar with the value it denotes", () => {
        fc.assert(
            fc.property(quantity, q => {
                fc.pre(q.int.length > 0 || (q.frac ?? "").length > 0); // a number needs a digit
                const number = `${q.int}${q.frac !== undefined ? "." + q.frac : ""}`;
                const text = `${q.sign}${number}${q.suffix}`;
                const scale = q.suffix.startsWith("e") ? 10 ** Number(q.suffix.slice(1)) : SUFFIXES[q.suffix];
                const want = Number(`${q.sign === "-" ? "-" : ""}${number}`) * scale;
                expect(parseQuantity(text), text).to.be.closeTo(want, Math.abs(want) * 1e-12 + 1e-18);
            }),
        );
    });

    it("refuses surrounding whitespace and suffixes the grammar does not have", () => {
        fc.assert(
            fc.property(quantity, fc.constantFrom(" ", "\t", "\n"), fc.boolean(), (q, ws, before) => {
                const text = `${q.sign}${q.int || "1"}${q.suffix}`;
                expect(parseQuantity(before ? ws + text : text + ws), JSON.stringify(text)).to.equal(undefined);
            }),
        );
        for (const bad of ["1 Gi", "1gi", "1KiB", "Gi", "", ".", "1.2.3", "1e", "1e1.5", "0x10", "1_000"]) {
            expect(parseQuantity(bad), JSON.stringify(bad)).to.equal(undefined);
        }
    });
});

/**
 * Shell words without the parts where the tokenizer deliberately differs from a shell that
 * executes (globs, tilde, operators, comments, expansions of unset variables): plain characters,
 * single- and double-quoted strings, backslash escapes, line continuations.
 */
const PLAIN = "abcXYZ019_.,:=/@%+-";
const piece = fc.oneof(
    chars(PLAIN, 1, 5),
    chars(PLAIN + " \t;&|()<>*?$`\\\"", 0, 6).map(s => `'${s}'`),
    chars(PLAIN + " \t;&|()<>*?'", 0, 6).map(s => `"${s}"`),
    fc.constantFrom(...(PLAIN + " ;&|'\"\\$*?#").split("")).map(c => "\\" + c),
    fc.constantFrom('"\\$"', '"\\\\"', '"\\""', '"a\\b"'),
);
const word = fc.array(piece, { minLength: 1, maxLength: 4 }).map(p => p.join(""));
const script = fc.tuple(fc.array(word, { minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom(" ", "  ", "\t", " \\\n "), { minLength: 6, maxLength: 6 })).map(([words, seps]) => words.map((w, i) => (i ? seps[i] : "") + w).join(""));

/**
 * What a POSIX shell makes of each line of words: `printf '%s\0'` prints each argument
 * NUL-terminated, and a record separator ends each line. One `sh` for a whole batch of samples.
 */
function shWords(lines: string[], env: Record<string, string> = {}): string[][] {
    const script = lines.map(words => `printf '%s\\0' ${words}\nprintf '\\036'\n`).join("");
    const out = execFileSync("sh", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
    return out.split("\x1e").slice(0, -1).map(record => record.split("\0").slice(0, -1));
}

/** Checks a batch of samples against sh; the message names the first script that differs. */
function agreeWithSh(samples: string[], tokenize: (s: string) => string[], env: Record<string, string> = {}): void {
    const expected = shWords(samples, env);
    expect(expected).to.have.length(samples.length);
    samples.forEach((s, i) => expect(tokenize(s), JSON.stringify(s)).to.deep.equal(expected[i]));
}

describe("kube parser properties: shell tokenizer against sh", function () {
    this.timeout(60_000);

    it("splits words exactly like sh does", () => {
        agreeWithSh(fc.sample(script, 1000), s => shellWords(s));
    });

    it("expands set variables like sh does ($V, ${V}, ${V:-default}, inside double quotes too)", () => {
        const env = { TP: "4", MODEL: "meta-llama/Llama-3.1-8B" };
        const lookup = (name: string) => (env as Record<string, string>)[name];
        const expansion = fc.constantFrom("$TP", "${TP}", '"$MODEL"', "${TP:-8}", "${UNSET_TP:-2}", '"${UNSET_TP:-2} x"', "--tp=$TP", "a${TP}b");
        const lines = fc.array(fc.oneof(word, expansion), { minLength: 1, maxLength: 5 }).map(words => words.join(" "));
        agreeWithSh(fc.sample(lines, 500), s => shellWords(s, lookup), env);
    });
});
