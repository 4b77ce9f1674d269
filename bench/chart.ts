// Draws the benchmark's chart as a self-contained SVG: shipping latency percentiles per shipper
// (log scale, since they differ by orders of magnitude) and the output growth factor.
import * as fs from "fs";

interface Latency {
    shipper: string;
    period?: number;
    p50: number;
    p95: number;
    p99: number;
}
interface Growth {
    shipper: string;
    ratios: Record<number, number>;
}

const COLORS = { "cat-loop": "#d9534f", stream: "#2b7bb9" } as Record<string, string>;
const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function writeChart(file: string, latency: Latency[], growth: Growth[]): void {
    const W = 760;
    const H = 330;
    const out: string[] = [];
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    );
    out.push(`<rect width="${W}" height="${H}" fill="white"/>`);

    // Panel 1: latency, log10 scale from 0.01 s to 100 s.
    const x0 = 60,
        y0 = 40,
        pw = 300,
        ph = 220;
    const lo = -2,
        hi = 2;
    const y = (v: number) => y0 + ph - ((Math.log10(Math.max(v, 0.01)) - lo) / (hi - lo)) * ph;
    out.push(`<text x="${x0}" y="22" font-size="14" font-weight="bold">Shipping latency (s, log scale)</text>`);
    for (let e = lo; e <= hi; e++) {
        out.push(`<line x1="${x0}" x2="${x0 + pw}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`);
        out.push(`<text x="${x0 - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${10 ** e}</text>`);
    }
    const groupW = pw / latency.length;
    latency.forEach((l, g) => {
        (["p50", "p95", "p99"] as const).forEach((p, i) => {
            const bx = x0 + g * groupW + 20 + i * 32;
            const v = l[p];
            if (v === undefined) return;
            out.push(
                `<rect x="${bx}" y="${y(v)}" width="26" height="${y0 + ph - y(v)}" fill="${COLORS[l.shipper] ?? "#888"}" opacity="${0.55 + i * 0.2}"/>`,
            );
            out.push(
                `<text x="${bx + 13}" y="${y(v) - 4}" text-anchor="middle" font-size="10">${v < 1 ? v.toFixed(2) : v.toFixed(1)}</text>`,
            );
            out.push(`<text x="${bx + 13}" y="${y0 + ph + 14}" text-anchor="middle" font-size="10">${p}</text>`);
        });
        out.push(
            `<text x="${x0 + g * groupW + 68}" y="${y0 + ph + 30}" text-anchor="middle">${esc(l.shipper)}${l.period ? ` (${l.period} s)` : ""}</text>`,
        );
    });

    // Panel 2: output growth after 1, 5, 10 periods.
    const x1 = 440,
        pw2 = 280;
    const maxR = Math.max(2, ...growth.flatMap((g) => Object.values(g.ratios)));
    const gy = (v: number) => y0 + ph - (v / maxR) * ph;
    const gx = (k: number) => x1 + ((k - 1) / 9) * pw2;
    out.push(`<text x="${x1}" y="22" font-size="14" font-weight="bold">Stdout bytes per log byte</text>`);
    for (let t = 0; t <= maxR; t += Math.max(1, Math.ceil(maxR / 5))) {
        out.push(`<line x1="${x1}" x2="${x1 + pw2}" y1="${gy(t)}" y2="${gy(t)}" stroke="#ddd"/>`);
        out.push(`<text x="${x1 - 6}" y="${gy(t) + 4}" text-anchor="end">${t}</text>`);
    }
    for (const k of [1, 5, 10])
        out.push(
            `<text x="${gx(k)}" y="${y0 + ph + 14}" text-anchor="middle" font-size="10">${k} period${k > 1 ? "s" : ""}</text>`,
        );
    for (const g of growth) {
        const pts = [1, 5, 10].filter((k) => g.ratios[k] !== undefined).map((k) => `${gx(k)},${gy(g.ratios[k])}`);
        out.push(
            `<polyline points="${pts.join(" ")}" fill="none" stroke="${COLORS[g.shipper] ?? "#888"}" stroke-width="2.5"/>`,
        );
        const last = g.ratios[10];
        if (last !== undefined)
            out.push(
                `<text x="${gx(10) + 4}" y="${gy(last) - 6}" text-anchor="end" fill="${COLORS[g.shipper]}">${esc(g.shipper)} ${last.toFixed(2)}</text>`,
            );
    }
    out.push("</svg>");
    fs.writeFileSync(file, out.join("\n") + "\n");
}
