/// The script that draws a page's charts as SVG, from the JSON in each `figure.chart`. After
/// drawing, each mark carries its rendered size (`data-px`, from the layout the browser computed),
/// and the page says how many charts it drew (`data-charts-rendered`) or what went wrong
/// (`data-chart-error`): a headless browser test reads both.
enum ChartScript {
    static let source = #"""
        (function () {
          "use strict";
          var NS = "http://www.w3.org/2000/svg";
          var root = document.documentElement;
          window.addEventListener("error", function (e) { root.setAttribute("data-chart-error", String(e.message)); });
          var KIND_COLOURS = {injection: "#7a5af8", fault: "#b42318", violation: "#e04f16", detection: "#b54708", warning: "#dc6803",
            remediation: "#3568d4", call: "#1570ef", failure: "#912018", control: "#667085", violationEnded: "#1f7a3f", resolution: "#099250"};
          function el(name, attrs, parent, text) {
            var n = document.createElementNS(NS, name);
            for (var k in attrs) { n.setAttribute(k, attrs[k]); }
            if (text !== undefined) { n.textContent = text; }
            if (parent) { parent.appendChild(n); }
            return n;
          }
          function svg(fig, width, height) {
            return el("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img"}, fig);
          }
          function title(node, text) { el("title", {}, node, text); }
          function legend(fig, entries) {
            var box = document.createElement("div");
            box.className = "legend";
            entries.forEach(function (e) {
              var span = document.createElement("span"), swatch = document.createElement("i");
              swatch.style.background = e[1];
              span.appendChild(swatch);
              span.appendChild(document.createTextNode(e[0]));
              box.appendChild(span);
            });
            fig.appendChild(box);
          }
          function bars(fig, d) {
            var rowH = 22, labelW = 300, valueW = 110, plotW = 560;
            var max = Math.max.apply(null, d.items.map(function (i) { return i.value || 0; }).concat([1]));
            var s = svg(fig, labelW + plotW + valueW, d.items.length * rowH + 8);
            d.items.forEach(function (item, i) {
              var y = 4 + i * rowH;
              el("text", {x: labelW - 8, y: y + 15, "text-anchor": "end"}, s, item.label);
              if (item.value === null) {
                el("text", {x: labelW + 4, y: y + 15, "class": "muted mark-missing", "data-label": item.label}, s, item.text);
                return;
              }
              var w = Math.max(1, plotW * item.value / max);
              var r = el("rect", {x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 2, fill: d.colour || "#3568d4",
                "class": "mark", "data-label": item.label, "data-value": item.value}, s);
              title(r, item.label + ": " + item.text);
              el("text", {x: labelW + w + 6, y: y + 15, "class": "value", "data-label": item.label}, s, item.text);
            });
          }
          function pairs(fig, d) {
            var rowH = 30, labelW = 300, valueW = 190, plotW = 480;
            var all = [];
            d.items.forEach(function (i) { all.push(i.before || 0, i.after || 0); });
            var max = Math.max.apply(null, all.concat([1]));
            legend(fig, [[d.beforeName, "#9aa6b6"], [d.afterName, "#3568d4"]]);
            var s = svg(fig, labelW + plotW + valueW, d.items.length * rowH + 8);
            d.items.forEach(function (item, i) {
              var y = 4 + i * rowH;
              el("text", {x: labelW - 8, y: y + 18, "text-anchor": "end"}, s, item.label);
              [["before", "#9aa6b6", 0], ["after", "#3568d4", 12]].forEach(function (b) {
                var v = item[b[0]];
                if (v === null) { return; }
                var r = el("rect", {x: labelW, y: y + 3 + b[2], width: Math.max(1, plotW * v / max), height: 10, rx: 2, fill: b[1],
                  "class": "mark", "data-label": item.label, "data-series": b[0], "data-value": v}, s);
                title(r, item.label + " (" + b[0] + "): " + item[b[0] + "Text"]);
              });
              el("text", {x: labelW + plotW + 8, y: y + 18, "class": "value", "data-label": item.label}, s, item.beforeText + " → " + item.afterText);
            });
          }
          function line(fig, d) {
            var W = 900, H = 220, left = 70, right = 20, top = 14, bottom = 40;
            var vals = d.points.map(function (p) { return p.value; }).filter(function (v) { return v !== null; });
            var max = Math.max.apply(null, vals.concat([1]));
            var s = svg(fig, W, H);
            el("line", {x1: left, y1: H - bottom, x2: W - right, y2: H - bottom, "class": "axis"}, s);
            el("line", {x1: left, y1: top, x2: left, y2: H - bottom, "class": "axis"}, s);
            el("text", {x: left - 6, y: top + 4, "text-anchor": "end", "class": "muted"}, s, d.maxText || "");
            el("text", {x: left - 6, y: H - bottom, "text-anchor": "end", "class": "muted"}, s, "0");
            // Points sit evenly in order, or by their `x` on a time axis (`d.timeAxis`), drawn as steps.
            var n = d.points.length, step = n > 1 ? (W - left - right) / (n - 1) : 0;
            var maxX = Math.max.apply(null, d.points.map(function (p) { return p.x || 0; }).concat([1]));
            var path = [], lastLabelX = -1e9, prevY = null;
            d.points.forEach(function (p, i) {
              var x = d.timeAxis ? left + (W - left - right) * p.x / maxX : (n > 1 ? left + i * step : (left + W - right) / 2);
              if (x - lastLabelX > 60) {
                el("text", {x: x, y: H - bottom + 16, "text-anchor": "middle", "class": "muted"}, s, p.label);
                lastLabelX = x;
              }
              if (p.value === null) { return; }
              var y = H - bottom - (H - top - bottom) * p.value / max;
              if (d.timeAxis && prevY !== null) { path.push("L" + x.toFixed(1) + " " + prevY.toFixed(1)); }
              path.push((path.length ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1));
              prevY = y;
              var c = el("circle", {cx: x, cy: y, r: 4, fill: "#3568d4", "class": "mark", "data-label": p.label, "data-value": p.value}, s);
              title(c, p.label + ": " + p.text);
            });
            if (path.length > 1) { s.insertBefore(el("path", {d: path.join(" "), fill: "none", stroke: "#3568d4", "stroke-width": 2}), s.firstChild); }
          }
          function strip(fig, d) {
            // One lane per kind of event, in the order a cause precedes its effect.
            var order = Object.keys(KIND_COLOURS), lanes = [];
            order.forEach(function (k) { if (d.events.some(function (e) { return e.kind === k; })) { lanes.push(k); } });
            d.events.forEach(function (e) { if (lanes.indexOf(e.kind) < 0) { lanes.push(e.kind); } });
            var laneH = 16, labelW = 110, W = 900, right = 12, top = 4, H = top + lanes.length * laneH + 22;
            var span = Math.max(1, d.end - d.start), plotW = W - labelW - right;
            var s = svg(fig, W, H);
            lanes.forEach(function (k, i) {
              var y = top + i * laneH;
              el("text", {x: labelW - 8, y: y + 12, "text-anchor": "end", "class": "muted"}, s, k);
              el("line", {x1: labelW, y1: y + laneH / 2, x2: W - right, y2: y + laneH / 2, "class": "axis"}, s);
            });
            var axisY = top + lanes.length * laneH + 14;
            el("text", {x: labelW, y: axisY, "class": "muted"}, s, "+0s");
            el("text", {x: W - right, y: axisY, "text-anchor": "end", "class": "muted"}, s, d.endText);
            d.events.forEach(function (e) {
              var x = labelW + plotW * (e.at - d.start) / span, y = top + lanes.indexOf(e.kind) * laneH;
              var t = el("rect", {x: x - 1.5, y: y + 2, width: 3, height: laneH - 4, fill: KIND_COLOURS[e.kind] || "#667085",
                "class": "mark", "data-kind": e.kind, "data-value": e.at - d.start}, s);
              title(t, e.offset + " " + e.kind + " " + e.resource + ": " + e.text);
            });
          }
          var draw = {bars: bars, pairs: pairs, line: line, strip: strip};
          var rendered = 0;
          Array.prototype.forEach.call(document.querySelectorAll("figure.chart"), function (fig) {
            var data = JSON.parse(fig.querySelector("script[type='application/json']").textContent);
            draw[fig.getAttribute("data-chart")](fig, data);
            var marks = fig.querySelectorAll(".mark");
            Array.prototype.forEach.call(marks, function (m) {
              var box = m.getBoundingClientRect();
              m.setAttribute("data-px", Math.round(box.width) + "x" + Math.round(box.height) + "@" + Math.round(box.left) + "," + Math.round(box.top));
            });
            fig.setAttribute("data-marks", String(marks.length));
            rendered += 1;
          });
          root.setAttribute("data-charts-rendered", String(rendered));
        })();
        """#
}
