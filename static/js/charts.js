// Charts drawn as SVG from `<figure class="chart" data-chart='{"type", "labels", "series"}'>`.
// Our own code, served by the app (no CDN, no inline script or style: the page's CSP holds).
// Types: "bars" (one series), "grouped" (two series side by side), "hbars" (horizontal).
(() => {
  const NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function short(value) {
    const abs = Math.abs(value);
    if (abs >= 1e6) return (value / 1e6).toFixed(1) + "M";
    if (abs >= 1e3) return (value / 1e3).toFixed(0) + "k";
    return value.toFixed(0);
  }

  function money(text) {
    const [whole, cents] = String(text).split(".");
    return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (cents ? "." + cents : "");
  }

  function vertical(svg, data, width, height) {
    const pad = { left: 48, right: 8, top: 10, bottom: 28 };
    const series = data.series;
    const values = series.flatMap((s) => s.values.map(Number));
    const max = Math.max(1, ...values);
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;
    const slot = plotW / Math.max(1, data.labels.length);
    const barW = Math.max(2, (slot * 0.75) / series.length);
    [0, 0.5, 1].forEach((step) => {
      const y = pad.top + plotH * (1 - step);
      svg.appendChild(el("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y,
                                   class: "chart-grid" }));
      svg.appendChild(el("text", { x: pad.left - 4, y: y + 4, class: "chart-axis",
                                   "text-anchor": "end" }, short(max * step)));
    });
    data.labels.forEach((label, index) => {
      const x0 = pad.left + slot * index + slot * 0.125;
      series.forEach((s, k) => {
        const value = Number(s.values[index]);
        const h = (Math.max(0, value) / max) * plotH;
        const bar = el("rect", { x: x0 + k * barW, y: pad.top + plotH - h, width: barW - 1,
                                 height: h, class: `chart-bar chart-series-${k}`,
                                 "data-value": s.values[index] });
        bar.appendChild(el("title", {}, `${label} · ${s.name}: ${money(s.values[index])}`));
        svg.appendChild(bar);
      });
      if (data.labels.length <= 16 || index % 2 === 0) {
        svg.appendChild(el("text", { x: x0 + (barW * series.length) / 2, y: height - 10,
                                     class: "chart-axis", "text-anchor": "middle" }, label));
      }
    });
  }

  function horizontal(svg, data, width, height) {
    const pad = { left: 140, right: 70, top: 6, bottom: 6 };
    const values = data.series[0].values.map(Number);
    const max = Math.max(1, ...values);
    const rowH = (height - pad.top - pad.bottom) / Math.max(1, data.labels.length);
    data.labels.forEach((label, index) => {
      const y = pad.top + rowH * index;
      const w = (Math.max(0, values[index]) / max) * (width - pad.left - pad.right);
      svg.appendChild(el("text", { x: pad.left - 6, y: y + rowH * 0.62, class: "chart-axis",
                                   "text-anchor": "end" }, label.slice(0, 22)));
      const bar = el("rect", { x: pad.left, y: y + rowH * 0.15, width: w, height: rowH * 0.7,
                               class: "chart-bar chart-series-0",
                               "data-value": data.series[0].values[index] });
      bar.appendChild(el("title", {}, `${label}: ${money(data.series[0].values[index])}`));
      svg.appendChild(bar);
      svg.appendChild(el("text", { x: pad.left + w + 4, y: y + rowH * 0.62, class: "chart-axis" },
                         short(values[index])));
    });
  }

  function draw(figure) {
    let data;
    try {
      data = JSON.parse(figure.dataset.chart);
    } catch (error) {
      return;
    }
    const width = 560;
    const height = data.type === "hbars" ? Math.max(80, 28 * data.labels.length + 12) : 220;
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg",
                            "aria-label": figure.dataset.title || "" });
    if (!data.labels.length) {
      svg.appendChild(el("text", { x: width / 2, y: height / 2, class: "chart-axis",
                                   "text-anchor": "middle" }, figure.dataset.empty || "—"));
    } else if (data.type === "hbars") {
      horizontal(svg, data, width, height);
    } else {
      vertical(svg, data, width, height);
    }
    figure.querySelectorAll("svg.chart-svg").forEach((old) => old.remove());
    figure.prepend(svg);
    if (data.series.length > 1) {
      const legend = document.createElement("figcaption");
      legend.className = "chart-legend";
      data.series.forEach((s, k) => {
        const item = document.createElement("span");
        item.className = `chart-key chart-series-${k}`;
        item.textContent = s.name;
        legend.appendChild(item);
      });
      figure.appendChild(legend);
    }
    figure.dataset.drawn = "1";
  }

  function drawAll(root) {
    root.querySelectorAll("figure.chart[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSwap", (event) => drawAll(event.target));
})();
