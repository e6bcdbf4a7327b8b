/* Live results on a vote's page: the turnout (and the counts, where the vote shows them) over a read-only
   WebSocket. Protocol: docs/realtime-protocol.md "Live vote results". No build step.

   DOM contract (the template provides it):
   - a container [data-live-results] with data-ws-url (a path such as /ws/votes/12/) and optionally
     data-eligible (how many people may vote) and translated strings data-msg-reconnecting and
     data-msg-offline ({name} placeholders, as room.js), shown in an optional [data-live-status];
   - inside it [data-live-turnout] (the number of ballots) and optionally [data-live-turnout-bar]
     (a .progress-fill whose width is ballots / eligible);
   - per option [data-live-count="<position>"] (its count) and [data-live-bar="<position>"], whose
     width is the option's share of the ballots cast (so bars compare with the published shares; in a
     multiple-choice or budget vote they may add up to more than 100 %);
   - [data-live-closed], shown (hidden removed) when the vote closes; the page is not reloaded for the
     reader, who reloads for the results when they choose.
   Counts are state: every frame replaces what is shown, and a reconnect gets a fresh snapshot. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-results]");
  if (!root || !root.dataset.wsUrl || !("WebSocket" in window)) return;
  var d = root.dataset;
  var eligible = parseInt(d.eligible, 10) || 0;
  var shown = -1;  // ballots shown; a frame with fewer is older than what is on the page
  var ws = null, attempt = 0, retryTimer = null, pingTimer = null, pongTimer = null, stopped = false;
  var FINAL_CLOSE = { 4404: true };
  var PING_EVERY = 25000, PONG_WAIT = 10000;
  var number = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || undefined) : null;

  function fmt(n) { return number ? number.format(n) : String(n); }
  function pct(part, whole) { return whole > 0 ? Math.min(100, Math.round(1000 * part / whole) / 10) : 0; }
  function each(selector, fn) {
    var nodes = root.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) fn(nodes[i]);
  }
  function msg(key, vars) {  // a translated string with {name} placeholders filled in
    var text = d["msg" + key] || "";
    return text.replace(/\{(\w+)\}/g, function (all, name) { return vars && name in vars ? vars[name] : all; });
  }
  function status(text) {
    each("[data-live-status]", function (node) { node.textContent = text || ""; node.hidden = !text; });
  }

  function apply(data) {
    if (!data || typeof data.ballots !== "number" || data.ballots < shown) return;
    shown = data.ballots;
    each("[data-live-turnout]", function (node) { node.textContent = fmt(data.ballots); });
    if (eligible) {
      each("[data-live-turnout-bar]", function (node) {
        node.style.width = pct(data.ballots, eligible) + "%";
        var bar = node.closest("[role=progressbar]");
        if (bar) bar.setAttribute("aria-valuenow", String(data.ballots));
      });
    }
    if (!data.counts) return;  // hidden until the tally
    each("[data-live-count]", function (node) {
      var n = data.counts[node.getAttribute("data-live-count")];
      if (typeof n === "number") node.textContent = fmt(n);
    });
    each("[data-live-bar]", function (node) {
      var n = data.counts[node.getAttribute("data-live-bar")];
      if (typeof n === "number") node.style.width = pct(n, data.ballots) + "%";
    });
  }

  function closed(data) {
    apply(data);
    each("[data-live-closed]", function (node) { node.hidden = false; });
    stopped = true;  // nothing changes any more: no reconnecting
    status("");
    if (ws) { var old = ws; ws = null; old.onclose = null; try { old.close(); } catch (err) { /* closing */ } }
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
  }

  function onFrame(frame) {
    if (frame.type === "vote.snapshot" || frame.type === "vote.updated") apply(frame.data);
    else if (frame.type === "vote.closed") closed(frame.data);
    else if (frame.type === "pong") clearTimeout(pongTimer);
  }

  /* --- the connection: backoff with jitter, a ping every 25 s --- */
  function ping() {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: "ping", data: {} }));
    clearTimeout(pongTimer);
    pongTimer = setTimeout(dropSocket, PONG_WAIT);  // a silent connection is a dead one
  }
  function dropSocket() {
    if (!ws) return;
    var old = ws;
    ws = null;
    old.onclose = old.onmessage = null;
    try { old.close(); } catch (err) { /* already closing */ }
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    scheduleReconnect();
  }
  function connect() {
    clearTimeout(retryTimer);
    if (stopped) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + d.wsUrl);
    ws.onmessage = function (event) {
      try { onFrame(JSON.parse(event.data)); } catch (err) { /* a bad frame must not stop the page */ }
    };
    ws.onopen = function () {
      attempt = 0;
      status("");
      clearInterval(pingTimer);
      pingTimer = setInterval(ping, PING_EVERY);
    };
    ws.onclose = function (event) {
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      ws = null;
      if (FINAL_CLOSE[event.code]) { stopped = true; return; }
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    if (stopped) return;
    var base = Math.min(30000, 1000 * Math.pow(2, attempt));
    attempt += 1;
    status(navigator.onLine === false ? msg("Offline") : msg("Reconnecting"));
    retryTimer = setTimeout(connect, base * (0.75 + Math.random() * 0.5));  // jitter: +-25 %
  }

  window.addEventListener("offline", function () { dropSocket(); });
  window.addEventListener("online", function () { attempt = 0; if (!ws && !stopped) connect(); });
  document.addEventListener("visibilitychange", function () {  // a phone back from sleep checks at once
    if (document.visibilityState !== "visible" || stopped) return;
    if (ws && ws.readyState === WebSocket.OPEN) ping();
    else if (!ws) { attempt = 0; connect(); }
  });
  connect();
})();
