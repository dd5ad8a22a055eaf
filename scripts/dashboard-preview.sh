#!/usr/bin/env bash
# Renders the panels of deploy/grafana/depot-dashboard.json from a live Prometheus, for a look at
# the dashboard where Grafana is not installed: starts Debian's prometheus scraping a running
# Depot every 5 s as job "depot", waits, asks Prometheus's query_range API for every panel's
# queries ($__rate_interval as 30s), draws each panel as an SVG chart in one page laid out by the
# panels' gridPos, and screenshots the page with chromium.
#
# Usage: scripts/dashboard-preview.sh DEPOT_URL SECONDS OUT.png
#   e.g. scripts/dashboard-preview.sh http://127.0.0.1:8080 300 target/dashboard.png
# Needs prometheus, node and chromium (Debian packages prometheus, nodejs, chromium).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -eq 3 ] || { sed -n '8,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
depot="$1" seconds="$2" png="$(readlink -f "$3")"
for tool in prometheus node chromium curl; do
  command -v "$tool" >/dev/null || { echo "dashboard-preview: $tool is missing" >&2; exit 1; }
done
target="${depot#*://}"
target="${target%%/*}"
work="$(mktemp -d "${TMPDIR:-/tmp}/depot-dashboard.XXXXXX")"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
cat > "$work/prometheus.yml" <<EOF
global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - $root/deploy/prometheus/depot-rules.yml
scrape_configs:
  - job_name: depot
    static_configs:
      - targets: ["$target"]
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$port" > "$work/prometheus.log" 2>&1 &
prom=$!
trap 'kill "$prom" 2>/dev/null; wait "$prom" 2>/dev/null; rm -rf "$work"' EXIT
start=$(date +%s)
echo "dashboard-preview: prometheus on 127.0.0.1:$port scrapes $target for $seconds s" >&2
sleep "$seconds"
end=$(date +%s)

node - "$root/deploy/grafana/depot-dashboard.json" "http://127.0.0.1:$port" "$start" "$end" "$target" > "$work/page.html" <<'EOF'
const [file, prom, start, end, target] = process.argv.slice(2);
const dashboard = JSON.parse(require('fs').readFileSync(file, 'utf8'));
const colors = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642', '#cca300'];
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
function unitText(v, unit) {
  if (!isFinite(v)) return String(v);
  const scale = (v, step, names) => { let i = 0; while (Math.abs(v) >= step && i < names.length - 1) { v /= step; i++; } return v.toFixed(v < 10 && i > 0 ? 1 : 0) + ' ' + names[i]; };
  switch (unit) {
    case 'bytes': return scale(v, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB']);
    case 'Bps': case 'binBps': return scale(v, 1024, ['B/s', 'KiB/s', 'MiB/s', 'GiB/s']);
    case 's': return v >= 3600 ? (v / 3600).toFixed(1) + ' h' : v >= 1 ? v.toFixed(1) + ' s' : (v * 1000).toFixed(v < 0.01 ? 2 : 0) + ' ms';
    case 'percentunit': return (v * 100).toFixed(1) + ' %';
    case 'reqps': return v.toFixed(v < 10 ? 2 : 0) + ' req/s';
    default: return Math.abs(v) >= 1000 ? scale(v, 1000, ['', 'k', 'M', 'G']) : v.toFixed(v < 10 ? 2 : 0);
  }
}
async function series(expr) {
  const q = new URLSearchParams({query: expr.replaceAll('$__rate_interval', '30s'), start, end, step: '5'});
  const r = await (await fetch(`${prom}/api/v1/query_range?${q}`)).json();
  if (r.status !== 'success') throw new Error(`${expr}: ${r.error}`);
  return r.data.result;
}
function legend(format, metric) {
  return (format || '{{__name__}}').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '');
}
async function panel(p) {
  const lines = [];
  for (const t of p.targets || []) {
    for (const s of await series(t.expr)) {
      lines.push({name: legend(t.legendFormat, s.metric) || t.expr, points: s.values.map(([x, y]) => [x, Number(y)]).filter(([, y]) => isFinite(y))});
    }
  }
  const W = p.gridPos.w * 50 - 10, H = p.gridPos.h * 30 - 10, L = 70, T = 28, B = 22 + 16 * Math.ceil(lines.length / 3);
  const unit = p.fieldConfig?.defaults?.unit;
  let max = Math.max(0, ...lines.flatMap(l => l.points.map(([, y]) => y)));
  if (p.fieldConfig?.defaults?.max !== undefined) max = Math.max(max, p.fieldConfig.defaults.max);
  if (max === 0) max = 1;
  const x = t => L + (t - start) / (end - start) * (W - L - 10), y = v => T + (1 - v / max) * (H - T - B);
  let svg = `<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" rx="4" fill="#181b1f" stroke="#2c3235"/>`;
  svg += `<text x="10" y="18" fill="#ccccdc" font-size="13" font-weight="600">${esc(p.title)}</text>`;
  for (let i = 0; i <= 4; i++) {
    const v = max * i / 4;
    svg += `<line x1="${L}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#2c3235"/><text x="${L - 6}" y="${y(v) + 4}" fill="#8e8e8e" font-size="10" text-anchor="end">${esc(unitText(v, unit))}</text>`;
  }
  for (let m = 0; m <= 4; m++) {
    const t = Number(start) + (end - start) * m / 4, d = new Date(t * 1000);
    svg += `<text x="${x(t)}" y="${H - B + 14}" fill="#8e8e8e" font-size="10" text-anchor="middle">${d.toISOString().slice(11, 19)}</text>`;
  }
  if (lines.length === 0) svg += `<text x="${W / 2}" y="${H / 2}" fill="#8e8e8e" font-size="12" text-anchor="middle">No data</text>`;
  lines.forEach((l, i) => {
    const c = colors[i % colors.length];
    svg += `<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${l.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`;
    const lx = 10 + (i % 3) * ((W - 20) / 3), ly = H - B + 30 + 16 * Math.floor(i / 3);
    svg += `<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${c}"/><text x="${lx + 14}" y="${ly - 3}" fill="#ccccdc" font-size="10">${esc(l.name.slice(0, 60))}</text>`;
  });
  return `<div style="position:absolute;left:${p.gridPos.x * 50 + 5}px;top:${p.gridPos.y * 30 + 50}px">${svg}</svg></div>`;
}
(async () => {
  const parts = [];
  for (const p of dashboard.panels) parts.push(await panel(p));
  const bottom = Math.max(...dashboard.panels.map(p => (p.gridPos.y + p.gridPos.h) * 30)) + 60;
  console.log(`<!doctype html><html><body style="margin:0;background:#111217;font-family:sans-serif;width:1200px;height:${bottom}px;position:relative">`
    + `<div style="color:#ccccdc;font-size:18px;padding:14px 10px">${esc(dashboard.title)} <span style="color:#8e8e8e;font-size:12px">(panels' queries against a live Prometheus scraping ${esc(target)}; not Grafana)</span></div>`
    + parts.join('') + '</body></html>');
})().catch(e => { console.error(e.message); process.exit(1); });
EOF

height=$(sed -n 's/.*height:\([0-9]*\)px;position.*/\1/p' "$work/page.html" | head -1)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/chromium" --hide-scrollbars \
  --window-size="1200,$height" --screenshot="$png" "file://$work/page.html" > "$work/chromium.log" 2>&1
echo "dashboard-preview: $png"
