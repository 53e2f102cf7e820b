/**
 * The run as an SVG image: three panels over the same time axis, replicas (desired/ready),
 * queue per replica as the HPA sees it, client TTFT p50/p95. A small typed SVG writer: no
 * charting library is needed for three line panels, and SVG opens in any browser.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LoadResult, OBSERVED, TickPoint } from "./runLoad";

type Point = [number, number];

export interface ChartSeries {
    name: string;
    color: string;
    /** Gaps (missing values) split the line into segments. */
    points: Array<[number, number | undefined]>;
    /** Hold each value until the next point (counts such as replicas). */
    step?: boolean;
}

interface Panel {
    title: string;
    series: ChartSeries[];
}

const W = 960;
const PANEL_H = 190;
const M = { left: 64, right: 190, top: 44, gap: 36, bottom: 40 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ""));

/** The smallest 1/2/5 x 10^k at or above v (axis top). */
export function niceMax(v: number): number {
    if (!(v > 0)) return 1;
    const base = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 5, 10].map((m) => m * base).find((c) => c >= v)!;
}

function numeric(p: TickPoint, key: string): number | undefined {
    const v = p.observed[key];
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Connected runs of defined points; step series get a horizontal segment before each change. */
function segments(s: ChartSeries): Point[][] {
    const out: Point[][] = [];
    let cur: Point[] = [];
    for (const [x, y] of s.points) {
        if (y === undefined) {
            if (cur.length > 0) out.push(cur);
            cur = [];
            continue;
        }
        if (s.step && cur.length > 0) cur.push([x, cur[cur.length - 1][1]]);
        cur.push([x, y]);
    }
    if (cur.length > 0) out.push(cur);
    return out;
}

function renderPanel(panel: Panel, top: number, xMax: number): string {
    const plotW = W - M.left - M.right;
    const values = panel.series.flatMap((s) => s.points.map(([, y]) => y).filter((y): y is number => y !== undefined));
    const yMax = niceMax(Math.max(0, ...values));
    const X = (x: number) => M.left + (x / xMax) * plotW;
    const Y = (y: number) => top + PANEL_H - (y / yMax) * PANEL_H;
    const parts = [`<text x="${M.left}" y="${top - 10}" font-weight="bold">${esc(panel.title)}</text>`];
    for (let i = 0; i <= 4; i++) {
        const y = (yMax * i) / 4;
        parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${Y(y)}" y2="${Y(y)}" stroke="#ddd"/>`);
        parts.push(`<text x="${M.left - 6}" y="${Y(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
    }
    panel.series.forEach((s, i) => {
        for (const seg of segments(s)) {
            const pts = seg.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ");
            parts.push(`<polyline data-series="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`);
        }
        const ly = top + 14 + i * 18;
        parts.push(`<line x1="${W - M.right + 16}" x2="${W - M.right + 40}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"/>`);
        parts.push(`<text x="${W - M.right + 46}" y="${ly}">${esc(s.name)}</text>`);
    });
    parts.push(`<rect x="${M.left}" y="${top}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#888"/>`);
    return parts.join("\n");
}

/** The three panels of a load run. */
export function chartPanels(result: LoadResult): Panel[] {
    const series = (name: string, color: string, value: (p: TickPoint) => number | undefined, step = false): ChartSeries => ({
        name, color, step, points: result.series.map((p) => [p.t, value(p)]),
    });
    return [
        {
            title: "Replicas",
            series: [series("desired", "#1f77b4", (p) => numeric(p, OBSERVED.desiredReplicas), true), series("ready", "#2ca02c", (p) => numeric(p, OBSERVED.readyReplicas), true)],
        },
        { title: "Queue per replica (HPA metric: vllm:num_requests_waiting)", series: [series("queue/replica", "#ff7f0e", (p) => numeric(p, OBSERVED.queuePerReplica))] },
        { title: "Client TTFT (ms)", series: [series("p50", "#9467bd", (p) => p.ttftP50Ms), series("p95", "#d62728", (p) => p.ttftP95Ms)] },
    ];
}

export function renderChart(result: LoadResult, title = `Load run of ${result.startedAt}`): string {
    const panels = chartPanels(result);
    // Axis end: the run's length rounded up to a whole tick step (1/2/5 x 10^k).
    const tMax = Math.max(1, ...result.series.map((p) => p.t));
    const step = niceMax(tMax / 5);
    const xMax = Math.ceil(tMax / step) * step;
    const height = M.top + panels.length * (PANEL_H + M.gap) + M.bottom;
    const body = panels.map((p, i) => renderPanel(p, M.top + 20 + i * (PANEL_H + M.gap), xMax));
    const axisY = M.top + 20 + panels.length * (PANEL_H + M.gap) - M.gap + 18;
    const ticks = Array.from({ length: Math.round(xMax / step) + 1 }, (_, i) => {
        const x = i * step;
        return `<text x="${M.left + (x / xMax) * (W - M.left - M.right)}" y="${axisY}" text-anchor="middle">${fmt(x)}</text>`;
    });
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height + 20}" font-family="sans-serif" font-size="12">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="${M.left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
        ...body,
        ...ticks,
        `<text x="${M.left + (W - M.left - M.right) / 2}" y="${axisY + 18}" text-anchor="middle">seconds since the load started</text>`,
        "</svg>",
        "",
    ].join("\n");
}

/** Writes the chart (SVG) and returns its absolute path. */
export function writeChart(result: LoadResult, file: string, title?: string): string {
    const abs = path.resolve(file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, renderChart(result, title));
    return abs;
}
