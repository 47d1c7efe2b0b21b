/* Community Workbench: the interactive network view of a report, drawn on a 2D canvas.
 *
 * Written for the workbench (no third-party code); inlined into every page that shows a
 * network, so the page works from a file with no network access. What it reads, all inside the
 * view's container (see workbench/network_page.py):
 *   - table.wb-network-nodes: one row per node, its first cell the name shown (pseudonymised when
 *     the report is), so that every name drawn is one a reader, and the report's leak check, sees;
 *   - script.wb-network-data (JSON): positions, numeric columns, categories and edges, numbers and
 *     role names only.
 * Controls: find by name, colour by a category, size by a number, zoom (wheel, buttons), pan (drag),
 * hover for details, click a node to show its neighbours. 2D canvas, not WebGL: it draws a few
 * thousand elements fast enough and needs no graphics driver.
 */
(function () {
  "use strict";
  if (window.wbNetwork) { return; }
  var PALETTE = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d"];
  var OTHER = "#ced4da";
  var ROLE_COLORS = {influencer: "#d9480f", networker: "#1c7ed6", hub: "#7048e8", regular: "#adb5bd"};

  function text(el, value) { el.textContent = value; return el; }
  function fmt(v) {
    if (v === null || v === undefined || (typeof v === "number" && isNaN(v))) { return "–"; }
    if (typeof v !== "number") { return String(v); }
    return Math.abs(v) >= 100 || v === Math.round(v) ? v.toLocaleString("en") : v.toFixed(3);
  }

  function View(root) {
    var data = JSON.parse(root.querySelector("script.wb-network-data").textContent);
    var rows = root.querySelectorAll("table.wb-network-nodes tbody tr");
    var n = rows.length;
    this.root = root;
    this.data = data;
    this.names = [];
    for (var i = 0; i < n; i++) { this.names.push(rows[i].cells[0].textContent.trim()); }
    if (n !== data.x.length) { throw new Error("network view: " + n + " names for " + data.x.length + " nodes"); }
    this.n = n;
    this.canvas = root.querySelector("canvas.wb-network-canvas");
    this.ctx = this.canvas.getContext("2d");
    this.tip = root.querySelector(".wb-network-tip");
    this.status = root.querySelector(".wb-network-status");
    this.legend = root.querySelector(".wb-network-legend");
    this.colorBy = root.querySelector("select.wb-network-color");
    this.sizeBy = root.querySelector("select.wb-network-size");
    this.search = root.querySelector("input.wb-network-search");
    this.neighbours = [];
    for (i = 0; i < n; i++) { this.neighbours.push([]); }
    var e = data.edges;
    for (i = 0; i < e.source.length; i++) {
      this.neighbours[e.source[i]].push(e.target[i]);
      this.neighbours[e.target[i]].push(e.source[i]);
    }
    this.maxWeight = Math.max.apply(null, [1].concat(e.weight));
    this.selected = -1;
    this.hovered = -1;
    this.fillNames();
    this.bind();
    var fallback = root.querySelector(".wb-network-static");
    if (fallback) { fallback.style.display = "none"; }
    // shown before the first fit: a hidden canvas has no width, and a drawing fitted to a guessed width
    // would be stretched to the real one, its nodes away from where the pointer finds them
    this.canvas.style.display = "block";
    this.restyle();
    this.fit();
    root.setAttribute("data-ready", "true");
  }

  View.prototype.fillNames = function () {
    var list = this.root.querySelector("datalist");
    if (!list) { return; }
    var sorted = this.names.slice().sort();
    for (var i = 0; i < sorted.length; i++) {
      var option = document.createElement("option");
      option.value = sorted[i];
      list.appendChild(option);
    }
  };

  // -- styling: colour by a category, size by a number ---------------------------------------
  View.prototype.restyle = function () {
    var column = this.colorBy ? this.colorBy.value : "community";
    var values = this.data.categories[column] || [];
    var counts = {};
    for (var i = 0; i < values.length; i++) { counts[values[i]] = (counts[values[i]] || 0) + 1; }
    var keys = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
    var colours = {};
    var isRole = column === "role";
    for (i = 0; i < keys.length; i++) {
      colours[keys[i]] = isRole ? (ROLE_COLORS[keys[i]] || OTHER) : (i < PALETTE.length ? PALETTE[i] : OTHER);
    }
    this.colour = [];
    for (i = 0; i < this.n; i++) { this.colour.push(values.length ? colours[values[i]] : PALETTE[0]); }
    this.drawLegend(column, keys, colours, counts);
    var sizeColumn = this.sizeBy ? this.sizeBy.value : null;
    var sizes = (sizeColumn && this.data.numbers[sizeColumn]) || [];
    var low = Infinity, high = -Infinity;
    for (i = 0; i < sizes.length; i++) {
      if (sizes[i] !== null) { low = Math.min(low, sizes[i]); high = Math.max(high, sizes[i]); }
    }
    // the range among the nodes shown: the top accounts' percentile ranks all lie near 1
    this.radius = [];
    for (i = 0; i < this.n; i++) {
      var v = sizes.length && sizes[i] !== null && high > low ? (sizes[i] - low) / (high - low) : 0.3;
      this.radius.push(3 + 13 * Math.sqrt(v));
    }
    // names drawn always: the largest nodes
    var order = [];
    for (i = 0; i < this.n; i++) { order.push(i); }
    var radius = this.radius;
    order.sort(function (a, b) { return radius[b] - radius[a]; });
    this.labelled = order.slice(0, Math.min(12, this.n));
    this.draw();
  };

  View.prototype.drawLegend = function (column, keys, colours, counts) {
    if (!this.legend) { return; }
    this.legend.innerHTML = "";
    var shown = 0;
    for (var i = 0; i < keys.length && shown < PALETTE.length; i++, shown++) {
      var item = document.createElement("span");
      item.className = "wb-network-key";
      var dot = document.createElement("i");
      dot.style.background = colours[keys[i]];
      item.appendChild(dot);
      item.appendChild(document.createTextNode(column + " " + keys[i] + " (" + counts[keys[i]] + ")"));
      this.legend.appendChild(item);
    }
    if (keys.length > shown) {
      var rest = document.createElement("span");
      rest.className = "wb-network-key";
      var grey = document.createElement("i");
      grey.style.background = OTHER;
      rest.appendChild(grey);
      rest.appendChild(document.createTextNode((keys.length - shown) + " more, in grey"));
      this.legend.appendChild(rest);
    }
  };

  // -- view transform ------------------------------------------------------------------------
  View.prototype.size = function () {
    var ratio = window.devicePixelRatio || 1;
    var width = this.canvas.clientWidth || 800, height = this.canvas.clientHeight || 560;
    if (this.canvas.width !== Math.round(width * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    return {width: width, height: height, ratio: ratio};
  };

  View.prototype.fit = function () {
    var x = this.data.x, y = this.data.y;
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (var i = 0; i < this.n; i++) {
      minX = Math.min(minX, x[i]); maxX = Math.max(maxX, x[i]);
      minY = Math.min(minY, y[i]); maxY = Math.max(maxY, y[i]);
    }
    if (!this.n) { minX = minY = 0; maxX = maxY = 1; }
    var box = this.size(), pad = 30;
    var scale = Math.min((box.width - 2 * pad) / Math.max(maxX - minX, 1e-9),
                         (box.height - 2 * pad) / Math.max(maxY - minY, 1e-9));
    this.scale = scale;
    this.offsetX = box.width / 2 - scale * (minX + maxX) / 2;
    this.offsetY = box.height / 2 - scale * (minY + maxY) / 2;
    this.draw();
  };

  View.prototype.screen = function (i) {
    return [this.offsetX + this.scale * this.data.x[i], this.offsetY + this.scale * this.data.y[i]];
  };

  View.prototype.zoom = function (factor, cx, cy) {
    var box = this.size();
    if (cx === undefined) { cx = box.width / 2; cy = box.height / 2; }
    this.offsetX = cx - (cx - this.offsetX) * factor;
    this.offsetY = cy - (cy - this.offsetY) * factor;
    this.scale *= factor;
    this.draw();
  };

  View.prototype.nodeAt = function (px, py) {
    var best = -1, bestDistance = Infinity;
    for (var i = 0; i < this.n; i++) {
      var p = this.screen(i), dx = p[0] - px, dy = p[1] - py, d = dx * dx + dy * dy;
      var reach = this.radius[i] + 4;
      if (d <= reach * reach && d < bestDistance) { best = i; bestDistance = d; }
    }
    return best;
  };

  // -- drawing -------------------------------------------------------------------------------
  View.prototype.draw = function () {
    var box = this.size(), ctx = this.ctx;
    ctx.setTransform(box.ratio, 0, 0, box.ratio, 0, 0);
    ctx.clearRect(0, 0, box.width, box.height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, box.width, box.height);
    var focus = this.selected >= 0 ? this.selected : this.hovered;
    var near = {};
    if (focus >= 0) {
      near[focus] = true;
      for (var k = 0; k < this.neighbours[focus].length; k++) { near[this.neighbours[focus][k]] = true; }
    }
    var e = this.data.edges;
    for (var j = 0; j < e.source.length; j++) {
      var s = this.screen(e.source[j]), t = this.screen(e.target[j]);
      var lit = focus >= 0 && (e.source[j] === focus || e.target[j] === focus);
      ctx.strokeStyle = lit ? "rgba(33,37,41,0.7)" : (focus >= 0 ? "rgba(134,142,150,0.08)" : "rgba(134,142,150,0.3)");
      ctx.lineWidth = 0.5 + 2.5 * Math.sqrt(e.weight[j] / this.maxWeight);
      ctx.beginPath();
      ctx.moveTo(s[0], s[1]);
      ctx.lineTo(t[0], t[1]);
      ctx.stroke();
    }
    for (var i = 0; i < this.n; i++) {
      var p = this.screen(i);
      ctx.globalAlpha = focus >= 0 && !near[i] ? 0.25 : 0.92;
      ctx.fillStyle = this.colour[i];
      ctx.beginPath();
      ctx.arc(p[0], p[1], this.radius[i], 0, 2 * Math.PI);
      ctx.fill();
      ctx.lineWidth = i === this.selected ? 3 : 0.8;
      ctx.strokeStyle = i === this.selected ? "#212529" : "#ffffff";
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    var named = this.labelled.slice();
    if (focus >= 0) { named = [focus].concat(named, this.neighbours[focus].slice(0, 20)); }
    ctx.font = "12px sans-serif";
    ctx.textBaseline = "middle";
    var taken = [];
    for (var m = 0; m < named.length; m++) {
      var q = this.screen(named[m]), label = this.names[named[m]];
      var x0 = q[0] + this.radius[named[m]] + 3, w = ctx.measureText(label).width;
      var box = [x0, q[1] - 7, x0 + w, q[1] + 7], clash = false;
      for (var b = 0; b < taken.length && !clash; b++) {
        clash = box[0] < taken[b][2] && taken[b][0] < box[2] && box[1] < taken[b][3] && taken[b][1] < box[3];
      }
      if (clash && named[m] !== focus) { continue; }  // a name over another is read as neither
      taken.push(box);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.85)";
      ctx.strokeText(label, x0, q[1]);
      ctx.fillStyle = named[m] === focus ? "#000000" : "#343a40";
      ctx.fillText(label, x0, q[1]);
    }
  };

  View.prototype.describe = function (i) {
    var parts = [this.names[i]];
    var categories = this.data.categories, numbers = this.data.numbers, key;
    for (key in categories) {
      if (Object.prototype.hasOwnProperty.call(categories, key)) { parts.push(key + ": " + fmt(categories[key][i])); }
    }
    for (key in numbers) {
      if (Object.prototype.hasOwnProperty.call(numbers, key)) { parts.push(key + ": " + fmt(numbers[key][i])); }
    }
    parts.push("neighbours in view: " + this.neighbours[i].length);
    return parts;
  };

  View.prototype.showTip = function (i, px, py) {
    if (!this.tip) { return; }
    if (i < 0) { this.tip.hidden = true; return; }
    this.tip.innerHTML = "";
    var lines = this.describe(i);
    for (var k = 0; k < lines.length; k++) {
      var line = document.createElement(k ? "div" : "b");
      text(line, lines[k]);
      this.tip.appendChild(line);
    }
    this.tip.style.left = Math.round(px + 14) + "px";
    this.tip.style.top = Math.round(py + 14) + "px";
    this.tip.hidden = false;
  };

  // -- find ----------------------------------------------------------------------------------
  View.prototype.find = function (query) {
    var wanted = String(query || "").trim().toLowerCase().replace(/^@/, "");
    if (!wanted) { this.select(-1); text(this.status, ""); return -1; }
    var found = -1, i;
    for (i = 0; i < this.n && found < 0; i++) { if (this.names[i].toLowerCase().replace(/^@/, "") === wanted) { found = i; } }
    for (i = 0; i < this.n && found < 0; i++) { if (this.names[i].toLowerCase().indexOf(wanted) >= 0) { found = i; } }
    if (found < 0) {
      this.select(-1);
      text(this.status, "No name in this view contains \u201c" + query + "\u201d.");
      return -1;
    }
    this.select(found);
    var box = this.size(), p = this.screen(found);
    if (this.scale < 1e-9) { this.fit(); }
    this.offsetX += box.width / 2 - p[0];
    this.offsetY += box.height / 2 - p[1];
    this.draw();
    text(this.status, "Found " + this.describe(found).slice(0, 3).join(", ") + ".");
    return found;
  };

  View.prototype.select = function (i) {
    this.selected = i;
    this.root.setAttribute("data-selected", i >= 0 ? this.names[i] : "");
    this.draw();
  };

  // -- events --------------------------------------------------------------------------------
  View.prototype.bind = function () {
    var view = this, canvas = this.canvas, dragging = null;
    function local(event) {
      var rect = canvas.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top];
    }
    canvas.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = local(event);
      view.zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, p[0], p[1]);
    }, {passive: false});
    canvas.addEventListener("mousedown", function (event) {
      dragging = {at: local(event), moved: false};
    });
    window.addEventListener("mouseup", function (event) {
      if (dragging && !dragging.moved && event.target === canvas) {
        var p = local(event), hit = view.nodeAt(p[0], p[1]);
        view.select(hit === view.selected ? -1 : hit);
        if (hit >= 0) { text(view.status, view.describe(hit).slice(0, 3).join(", ")); }
      }
      dragging = null;
    });
    canvas.addEventListener("mousemove", function (event) {
      var p = local(event);
      if (dragging) {
        var dx = p[0] - dragging.at[0], dy = p[1] - dragging.at[1];
        if (Math.abs(dx) + Math.abs(dy) > 2) { dragging.moved = true; }
        view.offsetX += dx; view.offsetY += dy; dragging.at = p;
        view.showTip(-1);
        view.draw();
        return;
      }
      var hit = view.nodeAt(p[0], p[1]);
      if (hit !== view.hovered) { view.hovered = hit; view.draw(); }
      canvas.style.cursor = hit >= 0 ? "pointer" : "grab";
      view.showTip(hit, p[0], p[1]);
    });
    canvas.addEventListener("mouseleave", function () {
      view.hovered = -1; view.showTip(-1); view.draw();
    });
    if (this.search) {
      this.search.addEventListener("change", function () { view.find(view.search.value); });
      this.search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); view.find(view.search.value); }
      });
    }
    if (this.colorBy) { this.colorBy.addEventListener("change", function () { view.restyle(); }); }
    if (this.sizeBy) { this.sizeBy.addEventListener("change", function () { view.restyle(); }); }
    var buttons = this.root.querySelectorAll("button[data-action]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        var action = event.currentTarget.getAttribute("data-action");
        if (action === "in") { view.zoom(1.4); }
        else if (action === "out") { view.zoom(1 / 1.4); }
        else { view.select(-1); view.fit(); text(view.status, ""); }
      });
    }
    // the page, a notebook's output area or a tab that was hidden can change the canvas's width at any
    // time: the drawing keeps its centre and scale and is redrawn at the new size
    var drawn = {width: canvas.clientWidth, height: canvas.clientHeight};
    function resized() {
      var width = canvas.clientWidth, height = canvas.clientHeight;
      if (!width || !height || (width === drawn.width && height === drawn.height)) { return; }
      var before = drawn;
      drawn = {width: width, height: height};
      if (!before.width || !before.height) { view.fit(); return; }  // first laid out now: fitted to a guess
      view.offsetX += (width - before.width) / 2; view.offsetY += (height - before.height) / 2;
      view.draw();
    }
    if (window.ResizeObserver) { new ResizeObserver(resized).observe(canvas); }
    window.addEventListener("resize", resized);
  };

  window.wbNetwork = {
    mount: function (root) {
      if (!root || root.wbView) { return root && root.wbView; }
      root.wbView = new View(root);
      return root.wbView;
    }
  };
})();
