/* The live room client: one WebSocket, events applied in seq order, the server's clock, reconnects.
   Protocol: docs/realtime-protocol.md. Strings come from data-* attributes translated by the template. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || !("WebSocket" in window)) return;
  var d = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var lastSeq = parseInt(d.lastSeq, 10) || 0;
  var clock = { deadline: d.deadline ? Date.parse(d.deadline) : null,
                remaining: d.remaining ? parseFloat(d.remaining) : null,
                offset: d.serverTime ? Date.parse(d.serverTime) - Date.now() : 0 };
  var currentRoundId = d.roundId ? parseInt(d.roundId, 10) : null, ws = null, attempt = 0, retryTimer = null, stopped = false;
  var FINAL_CLOSE = { 4401: true, 4403: true, 4404: true };

  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function status(text) { setText($("room-status"), text || ""); }
  function banner(text) {
    var el = $("room-banner");
    el.hidden = !text;
    setText(el, text || "");
  }

  /* --- the clock: deadline - (now + offset), offset taken from each frame's server_time --- */
  function format(seconds) {
    var s = Math.max(0, Math.ceil(seconds)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var ss = ("0" + (s % 60)).slice(-2);
    return h ? h + ":" + ("0" + m).slice(-2) + ":" + ss : m + ":" + ss;
  }
  function secondsLeft() {
    if (clock.deadline !== null) return (clock.deadline - (Date.now() + clock.offset)) / 1000;
    return clock.remaining;
  }
  function tick() {
    var left = secondsLeft();
    setText($("room-clock"), left === null ? "--:--" : format(left));
  }
  function setClock(data) {
    clock.offset = Date.parse(data.server_time) - Date.now();
    clock.deadline = data.deadline ? Date.parse(data.deadline) : null;
    clock.remaining = data.remaining_seconds;
    tick();
  }
  function stopClock(keepZero) {
    clock.deadline = null;
    clock.remaining = keepZero ? 0 : null;
    tick();
  }

  /* --- the page's state --- */
  function setRoundState(roundId, state) {
    var li = document.querySelector('#agenda li[data-round-id="' + roundId + '"]');
    if (!li) return;
    li.className = "round-" + state;
    setText(li.querySelector(".round-badge"), d["label" + state.charAt(0).toUpperCase() + state.slice(1)] || state);
  }
  function setRoomState(state) {
    var badge = $("room-state");
    badge.className = "badge room-state-" + state;
    setText(badge, d["room" + state.charAt(0).toUpperCase() + state.slice(1)] || state);
    d.state = state;
  }
  function applyRound(type, data) {
    var round = data.round;
    if (type === "round.started" || round.id !== currentRoundId) setText($("round-title"), round.title);
    currentRoundId = round.id;
    setRoundState(round.id, round.state);
    setClock(data);
    setText($("clock-note"), round.state === "paused" ? d.msgPaused : "");
    if (type === "round.started") setRoomState("live");
    if (round.state === "running" && $("chat-note")) $("chat-note").hidden = true;  // the chat may be open now
  }
  function addChat(seq, data) {
    var list = $("chat-list"), empty = list.querySelector(".chat-empty");
    if (empty) empty.remove();
    var li = document.createElement("li"), author = document.createElement("span"),
        body = document.createElement("span");
    li.dataset.seq = seq;
    author.className = "chat-author";
    author.textContent = data.author;
    body.className = "chat-body";
    body.textContent = data.body;
    li.appendChild(author);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(body);
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    list.appendChild(li);
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }

  var handlers = {
    "round.started": applyRound, "round.paused": applyRound, "round.resumed": applyRound,
    "round.adjusted": applyRound,
    "round.ended": function (type, data) {
      setRoundState(data.round_id, data.state);
      if (data.round_id === currentRoundId || currentRoundId === null) stopClock(true);
    },
    "room.opened": function () { setRoomState("open"); },
    "room.waiting": function () {
      setRoomState("open");
      stopClock(false);
      setText($("round-title"), d.msgWaiting);
      setText($("clock-note"), "");
    },
    "room.ended": function () {
      setRoomState("ended");
      stopClock(false);
      setText($("round-title"), d.msgEnded);
      setText($("clock-note"), "");
      enableControls(false);
    },
    "chat.message": function (type, data, seq) { addChat(seq, data); },
    "chat.hidden": function (type, data) {
      var li = document.querySelector('#chat-list li[data-seq="' + data.seq + '"]');
      if (li) li.remove();
    },
    // The snapshot lists nobody present, so a count built from these events alone would mislead.
    "presence.joined": function () {}, "presence.left": function () {}
  };

  function onFrame(frame) {
    if (frame.type === "hello") {
      attempt = 0;
      banner("");
      status(d.msgConnected);
      send("resume", { last_seq: lastSeq });
      enableControls(d.state !== "ended");
      return;
    }
    if (frame.type === "error") { status(frame.message); return; }
    if (typeof frame.seq !== "number" || frame.seq <= lastSeq) return;  // pong, or already applied
    lastSeq = frame.seq;
    var handler = handlers[frame.type];
    if (handler) handler(frame.type, frame.data || {}, frame.seq);  // unknown types are ignored
  }

  /* --- the connection --- */
  function send(type, data) {
    if (!ws || ws.readyState !== WebSocket.OPEN) { status(d.msgReconnecting); return false; }
    ws.send(JSON.stringify({ type: type, data: data || {} }));
    return true;
  }
  function enableControls(on) {
    var buttons = root.querySelectorAll("[data-frame], #chat-form button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = !on;
  }
  function connect() {
    clearTimeout(retryTimer);
    if (stopped) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    status(d.msgConnecting);
    ws = new WebSocket(scheme + location.host + "/ws/rooms/" + d.roomId + "/");
    ws.onmessage = function (event) {
      try { onFrame(JSON.parse(event.data)); } catch (err) { /* a bad frame must not stop the room */ }
    };
    ws.onclose = function (event) {
      enableControls(false);
      ws = null;
      if (FINAL_CLOSE[event.code]) { stopped = true; banner(d.msgClosed); return; }
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    if (stopped) return;
    var base = Math.min(30000, 1000 * Math.pow(2, attempt));
    attempt += 1;
    banner(navigator.onLine === false ? d.msgOffline : d.msgReconnecting);
    retryTimer = setTimeout(connect, base * (0.75 + Math.random() * 0.5));  // jitter: +-25 %
  }

  window.addEventListener("offline", function () { banner(d.msgOffline); if (ws) ws.close(); });
  window.addEventListener("online", function () { attempt = 0; if (!ws) connect(); });

  /* --- the user's actions --- */
  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-frame]");
    if (!button) return;
    var type = button.dataset.frame, data = {};
    if (type === "clock.adjust") data.seconds = parseInt(button.dataset.seconds, 10);
    if (type === "room.end" && !window.confirm(d.msgConfirmEnd)) return;
    send(type, data);
  });
  var form = $("chat-form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("chat-body"), body = input.value.trim();
    if (body && send("chat.send", { body: body })) input.value = "";  // kept when not sent
  });

  setInterval(tick, 250);
  tick();
  connect();
})();
