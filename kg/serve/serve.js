/* paperkg serve: search suggestions in the header, and the expandable neighbourhood graph.
 * Data comes from the JSON API (/api/search, /api/neighbourhood/ID); every text is put into
 * the page with textContent, never as HTML. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function pageOf(id) { return (id.indexOf("paper:") === 0 ? "/paper/" : "/entity/") + encodeURI(id).replace(/#/g, "%23").replace(/\?/g, "%3F"); }

  // ---- search suggestions ----------------------------------------------------------
  var box = $("q"), list = $("suggest"), found = [], active = -1, timer = null, asked = 0;
  function show(rows) {
    found = rows; active = -1; list.replaceChildren();
    rows.forEach(function (r) {
      var li = el("li", { role: "option", "data-id": r.id });
      li.append(el("span", {}, r.name));
      if (r.via) li.append(el("span", { "class": "via" }, "(" + r.via + ")"));
      li.append(el("span", { "class": "what" }, r.type + (r.type === "Paper" ? "" : " \u00b7 " + r.paper_count + " papers")));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); window.location.href = pageOf(r.id); });
      list.appendChild(li);
    });
    list.hidden = !rows.length;
  }
  if (box) {
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var q = box.value.trim();
      if (!q) { show([]); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch("/api/search?limit=10&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
          .then(function (rows) { if (mine === asked) show(rows); });
      }, 120);
    });
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (!found.length) return;
        active = (active + (ev.key === "ArrowDown" ? 1 : -1) + found.length) % found.length;
        Array.prototype.forEach.call(list.children, function (li, i) { li.classList.toggle("active", i === active); });
        ev.preventDefault();
      } else if (ev.key === "Enter" && active >= 0) {
        ev.preventDefault(); window.location.href = pageOf(found[active].id);
      } else if (ev.key === "Escape") { list.hidden = true; }
    });
    box.addEventListener("blur", function () { list.hidden = true; });
  }

  // ---- the Cypher form ---------------------------------------------------------------
  if ($("cypher-run")) {
    $("cypher-run").addEventListener("click", function () {
      fetch("/cypher", { method: "POST", headers: { "Content-Type": "application/json" },
                         body: JSON.stringify({ query: $("cypher-text").value }) })
        .then(function (r) { return r.json(); })
        .then(function (data) { $("cypher-out").textContent = JSON.stringify(data, null, 2); });
    });
  }

  // ---- the neighbourhood graph ----------------------------------------------------------
  var holder = $("graph");
  if (!holder || typeof vis === "undefined") { document.body.setAttribute("data-ready", "true"); return; }
  var colors = JSON.parse(holder.getAttribute("data-colors")), shapes = JSON.parse(holder.getAttribute("data-shapes"));
  var nodes = new vis.DataSet(), edges = new vis.DataSet(), expanded = new Set();
  var network = new vis.Network(holder, { nodes: nodes, edges: edges }, {
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 150 } },
    nodes: { font: { size: 13, strokeWidth: 3, strokeColor: "#fff" }, borderWidth: 1,
             scaling: { min: 8, max: 36, label: { enabled: false } } },
    edges: { width: 0.8, color: { color: "#9aa5b1", opacity: 0.7 }, arrows: { to: { enabled: true, scaleFactor: 0.35 } }, smooth: false },
    interaction: { hover: true, tooltipDelay: 120 }
  });
  function label(n) { var s = String(n.name); return s.length > 34 ? s.slice(0, 33) + "\u2026" : s; }
  function add(data) {
    var fresh = data.nodes.filter(function (n) { return !nodes.get(n.id); }).map(function (n) {
      return { id: n.id, label: n.type === "Paper" && data.nodes.length > 25 ? "" : label(n), title: n.type + ": " + n.name,
               shape: shapes[n.type] || "dot", value: n.type === "Paper" ? 1 : 1 + Math.sqrt(n.paper_count || 0),
               color: { background: colors[n.type] || "#999", border: "#24292f" }, kind: n.type, name: n.name };
    });
    nodes.add(fresh);
    edges.add(data.edges.map(function (e) { return { id: e.from + "|" + e.type + "|" + e.to, from: e.from, to: e.to, title: e.type }; })
      .filter(function (e) { return !edges.get(e.id); }));
    return fresh.length;
  }
  function expand(id) {
    if (expanded.has(id)) return Promise.resolve(0);
    expanded.add(id);
    $("graph-status").textContent = "Loading\u2026";
    return fetch("/api/neighbourhood/" + encodeURI(id).replace(/#/g, "%23").replace(/\?/g, "%3F") + "?limit=30")
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var added = add(data);
        nodes.update({ id: id, borderWidth: 3 });
        $("graph-status").textContent = nodes.length + " nodes shown" + (data.more ? "; " + data.more + " more neighbours of the last one" : "") +
          ". Added " + added + ".";
        holder.setAttribute("data-nodes", String(nodes.length));
        return added;
      });
  }
  network.on("click", function (p) { if (p.nodes.length) expand(p.nodes[0]); });
  network.on("doubleClick", function (p) { if (p.nodes.length) window.location.href = pageOf(p.nodes[0]); });
  var center = holder.getAttribute("data-center");
  network.on("stabilized", function () { holder.setAttribute("data-stable", "true"); });
  expand(center).then(function () {
    network.once("stabilized", function () { network.fit(); });
    document.body.setAttribute("data-ready", "true");
  });
  window.paperkgGraph = { network: network, nodes: nodes, edges: edges, expand: expand };
})();
