/* paperkg interactive view. Reads the JSON in #paperkg-data (contract: kg/viz/html.py),
 * draws it with vis-network at the precomputed positions (physics off), and wires the
 * search box, the type and paper-count filters and the details panel. Every text from
 * the data goes into the page through textContent, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("paperkg-data").textContent);
  var byId = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
  var neighbours = new Map(data.nodes.map(function (n) { return [n.id, new Set()]; }));
  data.edges.forEach(function (e) { neighbours.get(e.from).add(e.to); neighbours.get(e.to).add(e.from); });
  var state = { types: new Set(data.types.map(function (t) { return t.type; })), minPapers: 0,
                pinned: new Set(), only: null, emphasized: null, hidden: new Map() };
  var big = data.nodes.length > 600;
  var $ = function (id) { return document.getElementById(id); };

  // How a relation reads in the panel, seen from the paper or from the entity.
  var FROM_PAPER = { PROPOSES: "Proposes", USES: "Uses", INTRODUCES: "Introduces", EVALUATES_ON: "Evaluates on",
                     ADDRESSES: "Addresses", REPORTS: "Reports", HAS_CODE: "Code" };
  var TO_ENTITY = { PROPOSES: "Proposed in", INTRODUCES: "Introduced in", USES: "Used in",
                    EVALUATES_ON: "Used for evaluation in", ADDRESSES: "Addressed in", REPORTS: "Reported in",
                    HAS_CODE: "Code linked in" };
  var ORDER = ["PROPOSES", "INTRODUCES", "USES", "EVALUATES_ON", "ADDRESSES", "REPORTS", "HAS_CODE"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function typeOf(t) { return data.types.find(function (x) { return x.type === t; }) || { color: "#999", shape: "dot" }; }
  function chip(t) {
    var info = typeOf(t), c = el("span", { "class": "chip " + info.shape, "aria-hidden": "true" });
    c.style.background = info.color;
    return c;
  }
  function safeUrl(url) { return /^https?:\/\//i.test(url || "") ? url : null; }
  function norm(s) { return String(s || "").normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ""); }
  function plural(n, word, many) { return n.toLocaleString("en") + " " + (n === 1 ? word : many || word + "s"); }

  // ---- the network -------------------------------------------------------------------
  function darker(hex) {
    var n = parseInt(hex.slice(1), 16), f = function (v) { return Math.round(v * 0.65); };
    return "rgb(" + f(n >> 16) + "," + f((n >> 8) & 255) + "," + f(n & 255) + ")";
  }
  var typeColor = {};
  data.types.forEach(function (t) {
    typeColor[t.type] = { background: t.color, border: darker(t.color),
      highlight: { background: t.color, border: "#000" }, hover: { background: t.color, border: "#000" } };
  });
  var FADED = { background: "#e4e7eb", border: "#d0d7de", highlight: { background: "#e4e7eb", border: "#000" },
                hover: { background: "#e4e7eb", border: "#000" } };
  var EDGE = { color: "#9aa5b1", highlight: "#1f2328", hover: "#57606a", opacity: 0.6 };
  var EDGE_FADED = { color: "#9aa5b1", highlight: "#1f2328", hover: "#57606a", opacity: 0.1 };
  var paperLabels = data.nodes.length <= 200;  // else a paper's title shows when it is emphasized
  function tooltip(n) {
    var lines = [n.type + ": " + n.name];
    if (n.type !== "Paper") lines.push(plural(n.paper_count, "paper"));
    if (n.aliases.length) lines.push("also: " + n.aliases.slice(0, 5).join(", "));
    return lines.join("\n");
  }
  /** The vis properties of node n; `mode` is "normal", "strong" (the selection and its
   * neighbours) or "faded" (everything else while something is selected). */
  function look(n, mode) {
    var labelled = mode === "strong" || (mode === "normal" && (n.type !== "Paper" || paperLabels));
    return { id: n.id, color: mode === "faded" ? FADED : typeColor[n.type], label: labelled ? n.label : "",
             font: { color: mode === "faded" ? "rgba(0,0,0,0)" : "#1f2328",
                     strokeColor: mode === "faded" ? "rgba(0,0,0,0)" : "#ffffff" } };
  }
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign(look(n, "normal"), { shape: typeOf(n.type).shape, value: n.value, x: n.x, y: n.y, title: tooltip(n) });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return { id: i, from: e.from, to: e.to, title: e.type };
  }));
  var network = new vis.Network($("graph"), { nodes: nodes, edges: edges }, {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 1 },
    physics: { enabled: false },
    nodes: {
      borderWidth: 1, borderWidthSelected: 3,
      font: { size: 14, face: "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif",
              color: "#1f2328", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { min: 8, max: 50, label: { enabled: true, min: 13, max: 40, maxVisible: 40, drawThreshold: 7 } }
    },
    edges: {
      width: 0.7, selectionWidth: 1.5, smooth: false,
      color: EDGE,
      arrows: { to: { enabled: true, scaleFactor: 0.35 } }
    },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                   keyboard: { enabled: true, bindToWindow: false }, zoomSpeed: 0.8 }
  });
  network.once("afterDrawing", function () {
    document.body.setAttribute("data-ready", "true");
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { $("search").value = q; var found = runSearch(q); if (found.length) choose(found[0].id); }
    else if (data.meta.focus.length) choose(data.meta.focus[0], { move: false });
  });
  network.on("click", function (p) {
    if (p.nodes.length) choose(p.nodes[0], { move: false });
    else if (!p.edges.length) { emphasize(null); closePanel(); }
  });
  network.on("doubleClick", function (p) { if (p.nodes.length) choose(p.nodes[0], { zoom: 1.4 }); });

  /** Emphasize node `id` and its neighbours (labels on, colours kept), fade the rest;
   * `null` restores the normal look. */
  function emphasize(id) {
    var near = id === null ? null : new Set([id].concat(Array.from(neighbours.get(id))));
    nodes.update(data.nodes.map(function (n) { return look(n, near === null ? "normal" : near.has(n.id) ? "strong" : "faded"); }));
    edges.update(data.edges.map(function (e, i) {
      return { id: i, color: near === null || e.from === id || e.to === id ? EDGE : EDGE_FADED };
    }));
    state.emphasized = id;
  }

  // ---- filters -----------------------------------------------------------------------
  function entityShown(n) { return state.types.has(n.type) && n.paper_count >= state.minPapers; }
  function applyFilters() {
    var shown = new Set(), filtering = state.minPapers > 1 || state.types.size < data.types.length;
    data.nodes.forEach(function (n) { if (n.type !== "Paper" && entityShown(n)) shown.add(n.id); });
    data.nodes.forEach(function (n) {
      if (n.type !== "Paper" || !state.types.has("Paper")) return;
      var linked = false;
      neighbours.get(n.id).forEach(function (m) { if (shown.has(m)) linked = true; });
      if (linked || !filtering) shown.add(n.id);
    });
    if (state.only) {
      var keep = new Set([state.only]);
      neighbours.get(state.only).forEach(function (m) { keep.add(m); });
      shown.forEach(function (id) { if (!keep.has(id)) shown.delete(id); });
    }
    state.pinned.forEach(function (id) { shown.add(id); });
    var nodeChanges = [], edgeChanges = [];
    data.nodes.forEach(function (n) {
      var hide = !shown.has(n.id);
      if ((state.hidden.get(n.id) || false) !== hide) { state.hidden.set(n.id, hide); nodeChanges.push({ id: n.id, hidden: hide }); }
    });
    data.edges.forEach(function (e, i) {
      var hide = !(shown.has(e.from) && shown.has(e.to));
      if ((state.hidden.get("e" + i) || false) !== hide) { state.hidden.set("e" + i, hide); edgeChanges.push({ id: i, hidden: hide }); }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    var visibleEdges = data.edges.filter(function (e, i) { return !state.hidden.get("e" + i); }).length;
    $("counts").textContent = "Showing " + shown.size.toLocaleString("en") + " of " + plural(data.nodes.length, "node") +
      " and " + visibleEdges.toLocaleString("en") + " of " + plural(data.edges.length, "edge") + "." +
      (data.meta.nodes_total > data.nodes.length ? " The whole graph has " + plural(data.meta.nodes_total, "node") + "." : "");
  }
  data.types.forEach(function (t) {
    if (!t.count) return;
    var box = el("input", { type: "checkbox", "data-type": t.type });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) state.types.add(t.type); else state.types.delete(t.type);
      applyFilters();
    });
    var label = el("label");
    label.append(box, chip(t.type), el("span", {}, t.type), el("span", { "class": "count" }, t.count.toLocaleString("en")));
    $("legend").appendChild(label);
  });
  $("min-papers").addEventListener("input", function () {
    state.minPapers = Math.max(0, parseInt(this.value, 10) || 0);
    applyFilters();
  });
  $("fit").addEventListener("click", function () { network.fit({ animation: { duration: 400 } }); });
  $("reset").addEventListener("click", function () {
    state.types = new Set(data.types.map(function (t) { return t.type; }));
    state.minPapers = 0; state.pinned.clear(); state.only = null;
    $("min-papers").value = "0";
    document.querySelectorAll("#legend input").forEach(function (b) { b.checked = true; });
    applyFilters(); network.unselectAll(); emphasize(null); closePanel(); network.fit();
  });

  // the entities in most papers: a way in when the whole graph is too dense to read
  data.nodes.filter(function (n) { return n.type !== "Paper"; })
    .sort(function (a, b) { return b.paper_count - a.paper_count || a.name.localeCompare(b.name); })
    .slice(0, 10).forEach(function (n) {
      var li = el("li"), b = el("button", { type: "button", "class": "node-link", "data-id": n.id }, n.name);
      b.addEventListener("click", function () { choose(n.id); });
      li.append(chip(n.type), b, el("span", { "class": "count" }, String(n.paper_count)));
      document.querySelector("#top-entities ol").appendChild(li);
    });

  // ---- search ------------------------------------------------------------------------
  var index = data.nodes.map(function (n) {
    var names = [n.name].concat(n.aliases, n.long_forms);
    return { node: n, keys: names.map(function (k) { return [k, norm(k)]; }) };
  });
  /** Nodes whose name, alias or long form (a paper: its title) matches `query`: exact
   * matches first, then prefixes, then substrings; entities before papers; most papers first. */
  function search(query) {
    var q = norm(query), out = [];
    if (!q) return out;
    index.forEach(function (entry) {
      var best = null;
      entry.keys.forEach(function (k, i) {
        var score = k[1] === q ? 0 : k[1].indexOf(q) === 0 ? 1 : k[1].indexOf(q) > 0 ? 2 : null;
        if (score !== null && (best === null || score + (i ? 0.5 : 0) < best.score)) best = { score: score + (i ? 0.5 : 0), via: i ? k[0] : null };
      });
      if (best) out.push({ id: entry.node.id, node: entry.node, score: best.score, via: best.via });
    });
    return out.sort(function (a, b) {
      return a.score - b.score || (a.node.type === "Paper") - (b.node.type === "Paper") ||
        b.node.paper_count - a.node.paper_count || a.node.name.localeCompare(b.node.name);
    });
  }
  var results = [], active = 0;
  function runSearch(query) {
    results = search(query); active = 0;
    var list = $("results");
    list.replaceChildren();
    results.slice(0, 15).forEach(function (r, i) {
      var li = el("li", { role: "option", "data-id": r.id });
      li.append(chip(r.node.type), el("span", {}, r.node.name));
      if (r.via) li.appendChild(el("span", { "class": "via" }, "(" + r.via + ")"));
      li.appendChild(el("span", { "class": "what" }, r.node.type + (r.node.type === "Paper" ? "" : " \u00b7 " + plural(r.node.paper_count, "paper"))));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(r.id); });
      li.classList.toggle("active", i === 0);
      li.setAttribute("aria-selected", String(i === 0));
      list.appendChild(li);
    });
    list.hidden = !results.length || !String(query).trim();
    $("search-status").textContent = !String(query).trim() ? "" : results.length ?
      plural(results.length, "match", "matches") : "No match for \u201c" + query + "\u201d";
    return results;
  }
  function highlightResult(i) {
    var items = $("results").children;
    if (!items.length) return;
    active = (i + items.length) % items.length;
    Array.prototype.forEach.call(items, function (li, j) {
      li.classList.toggle("active", j === active);
      li.setAttribute("aria-selected", String(j === active));
    });
    items[active].scrollIntoView({ block: "nearest" });
  }
  $("search").addEventListener("input", function () { runSearch(this.value); });
  $("search").addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { highlightResult(active + 1); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { highlightResult(active - 1); ev.preventDefault(); }
    else if (ev.key === "Enter" && results.length) { choose(results[active].id); }
    else if (ev.key === "Escape") { $("results").hidden = true; }
  });
  $("search").addEventListener("blur", function () { $("results").hidden = true; });
  $("search").addEventListener("focus", function () { if (results.length) $("results").hidden = false; });

  /** Show node `id`: make it visible, select it, bring it into view, open its details. */
  function choose(id, how) {
    how = how || {};
    if (!byId.has(id)) return;
    showOverview(false);
    if (state.hidden.get(id)) { state.pinned.add(id); applyFilters(); }
    $("results").hidden = true;
    emphasize(id);
    network.selectNodes([id]);
    if (how.move !== false) {
      var panel = $("panel").getBoundingClientRect().width || 420;
      network.focus(id, { scale: Math.max(network.getScale(), how.zoom || 0.9), offset: { x: -panel / 2, y: 0 },
                          animation: { duration: 450 } });
    }
    showDetails(id);
  }

  // ---- details panel -----------------------------------------------------------------
  /** An evidence sentence with its span marked at the offsets stored with it (never found
   * again by searching the sentence for a name: "LoRA" inside "MTLoRA" stays unmarked). */
  function highlighted(ev) {
    var box = el("blockquote"), sentence = typeof ev === "string" ? ev : ev.sentence, span = ev && ev.mark;
    if (!span) { box.textContent = sentence; return box; }
    box.append(sentence.slice(0, span[0]), el("mark", {}, sentence.slice(span[0], span[1])), sentence.slice(span[1]));
    return box;
  }
  function itemView(item, names, compact) {
    var li = el("li");
    if (byId.has(item.id)) {
      var b = el("button", { type: "button", "class": "node-link", title: "Show in the graph" }, item.name);
      b.addEventListener("click", function () { choose(item.id); });
      li.appendChild(b);
    } else {
      li.appendChild(el("span", {}, item.name));
    }
    var url = safeUrl(data.links[item.id]);
    if (url) {
      li.appendChild(el("a", { href: url, target: "_blank", rel: "noopener noreferrer", "class": "ext" },
        item.type === "Repository" ? url.replace(/^https?:\/\//, "") + " \u2197" : (/arxiv\.org/.test(url) ? "arXiv \u2197" : "paper \u2197")));
    }
    var sentences = (item.evidence || []).map(highlighted);
    if (item.more) sentences.push(el("div", { "class": "more" }, "+ " + plural(item.more, "more sentence")));
    if (compact && sentences.length) {
      var more = el("details");
      more.appendChild(el("summary", {}, "evidence"));
      more.append.apply(more, sentences);
      li.appendChild(more);
    } else {
      li.append.apply(li, sentences);
    }
    return li;
  }
  function section(box, title, items, names, compact, total) {
    if (!items || !items.length) return;
    box.appendChild(el("h3", {}, title + " (" + (total || items.length) + ")"));
    var ul = el("ul");
    items.forEach(function (item) { ul.appendChild(itemView(item, names, compact)); });
    if (total > items.length) ul.appendChild(el("li", { "class": "more" }, "+ " + (total - items.length).toLocaleString("en") + " more in the store (paperkg show, paperkg serve)"));
    box.appendChild(ul);
  }
  function facts(box, rows) {
    var dl = el("dl");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "" || (Array.isArray(r[1]) && !r[1].length)) return;
      dl.append(el("dt", {}, r[0]));
      var dd = el("dd");
      if (r[1] instanceof Node) dd.appendChild(r[1]); else dd.textContent = Array.isArray(r[1]) ? r[1].join(", ") : String(r[1]);
      dl.appendChild(dd);
    });
    if (dl.children.length) box.appendChild(dl);
  }
  function outLink(url, text) {
    return url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, text || url) : null;
  }
  function showDetails(id) {
    var n = byId.get(id), d = data.details[id] || {}, box = $("details");
    box.replaceChildren();
    box.appendChild(el("h2", {}, n.name));
    var kind = el("div", { "class": "kind" });
    kind.append(chip(n.type), el("span", {}, n.type + (n.type === "Paper" ? "" : " \u00b7 " + plural(n.paper_count, "paper"))));
    box.append(kind, el("div", { "class": "id" }, id));
    var names = [n.name].concat(n.aliases, n.long_forms);
    var url = safeUrl(data.links[id]);
    if (n.type === "Paper") {
      facts(box, [["Read", outLink(url, /arxiv\.org/.test(url || "") ? "arXiv: " + url.replace(/^.*\/abs\//, "") : url)],
                  ["Authors", d.authors], ["Published", d.published]]);
      var totals = d.totals || {};
      ORDER.forEach(function (rel) { section(box, FROM_PAPER[rel], (d.entities || {})[rel], [], false, totals[rel]); });
      section(box, "Code", d.code, []);
      if (d.abstract) { box.appendChild(el("h3", {}, "Abstract")); box.appendChild(el("p", { "class": "abstract" }, d.abstract)); }
    } else {
      var ids = Object.keys(d.ids || {}).map(function (k) { return k + ": " + d.ids[k]; });
      facts(box, [["Aliases", n.aliases], ["Long forms", n.long_forms], ["External ids", ids],
                  ["Repository", outLink(url)], ["Host", d.host], ["Paths", d.paths]]);
      var papers = d.papers || {}, totals = d.totals || {};
      section(box, TO_ENTITY.PROPOSES, papers.PROPOSES, names, false, totals.PROPOSES);
      section(box, TO_ENTITY.INTRODUCES, papers.INTRODUCES, names, false, totals.INTRODUCES);
      section(box, "Evaluated on (datasets)", d.datasets, names, true, totals.datasets);
      section(box, "Applied to (tasks)", d.tasks, names, true, totals.tasks);
      section(box, "Code (of the papers proposing it)", d.code, names, true, totals.code);
      section(box, "Methods evaluated on / applied to it", d.methods, names, true, totals.methods);
      ORDER.slice(2).forEach(function (rel) { section(box, TO_ENTITY[rel], papers[rel], names, false, totals[rel]); });
    }
    var actions = el("div", { "class": "actions" });
    var only = el("button", { type: "button", id: "only" }, state.only === id ? "Show all nodes" : "Show only its neighbours");
    only.addEventListener("click", function () {
      state.only = state.only === id ? null : id;
      state.pinned = new Set([id]);  // the node itself stays, whatever the filters say
      applyFilters(); showDetails(id);
      if (state.only) network.fit({ nodes: [id].concat(Array.from(neighbours.get(id))), animation: { duration: 400 } });
    });
    actions.appendChild(only);
    box.insertBefore(actions, box.children[3] || null);
    $("panel").hidden = false;
    $("panel").scrollTop = 0;
  }
  function closePanel() { $("panel").hidden = true; }
  $("close").addEventListener("click", function () { closePanel(); network.unselectAll(); emphasize(null); });

  // ---- the overview: the top methods and datasets and the tasks they share, papers
  // aggregated into the links; it covers the full graph until "Show the full graph" ------
  var overview = null;
  function showOverview(on) {
    if (!data.overview) return;
    $("overview").hidden = !on;
    $("show-overview").hidden = on;
    if (on && !overview) {
      var maxWeight = Math.max.apply(null, data.overview.edges.map(function (e) { return e.weight; }).concat([1]));
      overview = new vis.Network($("overview-graph"), {
        nodes: new vis.DataSet(data.overview.nodes.map(function (n) {
          return { id: n.id, label: n.label, x: n.x, y: n.y, value: n.value, shape: typeOf(n.type).shape,
                   color: typeColor[n.type], title: tooltip(n) };
        })),
        edges: new vis.DataSet(data.overview.edges.map(function (e, i) {
          return { id: i, from: e.from, to: e.to, width: 0.6 + 5 * Math.sqrt(e.weight / maxWeight),
                   title: plural(e.weight, "paper") + " in common" };
        }))
      }, { physics: { enabled: false }, layout: { improvedLayout: false },
           nodes: { borderWidth: 1, font: { size: 22, strokeWidth: 4, strokeColor: "#ffffff" },
                    scaling: { min: 12, max: 50, label: { enabled: true, min: 20, max: 36 } } },
           edges: { smooth: false, color: { color: "#9aa5b1", opacity: 0.55 } },
           interaction: { hover: true, tooltipDelay: 120 } });
      overview.on("click", function (p) { if (p.nodes.length) choose(p.nodes[0]); });
      overview.once("afterDrawing", function () { $("overview").setAttribute("data-ready", "true"); });
    }
  }
  if (data.overview) {
    $("overview-subtitle").textContent = data.overview.subtitle + ". Click a name to open it in the full graph.";
    $("show-full").addEventListener("click", function () { showOverview(false); network.fit(); });
    $("show-overview").addEventListener("click", function () { closePanel(); showOverview(true); });
    if (!data.meta.focus.length) showOverview(true);
  }

  applyFilters();
  /** A small handle for scripts and tests: the network, the search, the visible node ids. */
  window.paperkg = { network: network, data: data, search: runSearch, choose: choose, showOverview: showOverview,
                     visible: function () { return data.nodes.filter(function (n) { return !state.hidden.get(n.id); })
                                                      .map(function (n) { return n.id; }); } };
})();
