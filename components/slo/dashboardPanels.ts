/**
 * Grafana panel building blocks: the panel shape, the data source variable, threshold lines and
 * the grid layout of rows. No queries here (./dashboardQueries) and no content (./dashboardRows).
 */
import { Query } from "./dashboardQueries";

/** Every panel and query reads the dashboard's `datasource` variable. */
export const DS = { type: "prometheus" as const, uid: "${datasource}" };

export interface DashboardTarget {
    refId: string;
    expr: string;
    legendFormat: string;
    datasource: { type: "prometheus"; uid: string };
}

export interface DashboardPanel {
    id: number;
    type: "timeseries" | "stat";
    title: string;
    description: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource: { type: "prometheus"; uid: string };
    targets: DashboardTarget[];
    fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
    options: Record<string, unknown>;
}

/** A time-series panel before layout: what it shows and how wide it is (of Grafana's 24 columns). */
export interface PanelSpec {
    title: string;
    description: string;
    width: number;
    queries: Query[];
    /** `fieldConfig.defaults`: unit, min/max, thresholds. */
    defaults: Record<string, unknown>;
}

/** A row of panels side by side, all of one height. */
export interface RowSpec {
    /** What the row is about (for readers of the code; Grafana draws no row header). */
    name: string;
    height: number;
    panels: PanelSpec[];
}

/** Thresholds drawn as a line (the SLO target or HPA target). */
export function thresholdLine(value: number, color = "red"): Record<string, unknown> {
    return {
        thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color, value }] },
        custom: { thresholdsStyle: { mode: "line" }, lineWidth: 1, fillOpacity: 0, showPoints: "never" },
    };
}

/** Places the rows top to bottom and their panels left to right; panel ids count from 1. */
export function layOut(rows: RowSpec[]): DashboardPanel[] {
    const panels: DashboardPanel[] = [];
    let y = 0;
    for (const row of rows) {
        let x = 0;
        for (const spec of row.panels) {
            panels.push(timeseries(panels.length + 1, spec, { x, y, w: spec.width, h: row.height }));
            x += spec.width;
        }
        y += row.height;
    }
    return panels;
}

function timeseries(id: number, spec: PanelSpec, gridPos: DashboardPanel["gridPos"]): DashboardPanel {
    return {
        id,
        type: "timeseries",
        title: spec.title,
        description: spec.description,
        gridPos,
        datasource: DS,
        targets: spec.queries.map((q, i) => ({ refId: String.fromCharCode(65 + i), expr: q.expr, legendFormat: q.legend, datasource: DS })),
        fieldConfig: { defaults: spec.defaults, overrides: [] },
        options: { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi", sort: "desc" } },
    };
}
