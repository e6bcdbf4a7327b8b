/* The live room client: one WebSocket, events applied in seq order, the server's clock, reconnects.
   Protocol: docs/realtime-protocol.md. Strings come from data-* attributes translated by the template;
   text from the server is only ever set with textContent.
   Sections: helpers, tabs, clock, round and agenda, chat, the outbox, queue, poll, questions, floor,
   people, tables, frames, connection, the user's actions. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || !("WebSocket" in window)) return;
  var d = root.dataset;
  var $ = function (id) { return document.getElementById(id); };
  var lastSeq = parseInt(d.lastSeq, 10) || 0;
  var me = { id: parseInt(d.userId, 10) || null, isFacilitator: d.isFacilitator === "1", tableId: null, muted: false,
             observer: false };
  var clock = { deadline: d.deadline ? Date.parse(d.deadline) : null,
                remaining: d.remaining ? parseFloat(d.remaining) : null,
                offset: d.serverTime ? Date.parse(d.serverTime) - Date.now() : 0 };
  var currentRoundId = d.roundId ? parseInt(d.roundId, 10) : null, roundKind = d.roundKind || "";
  var ws = null, attempt = 0, retryTimer = null, pingTimer = null, pongTimer = null, stopped = false, lastError = "";
  var ready = false, wasDown = false, stableTimer = null, bannerTimer = null;  // ready: hello came on this socket
  var everConnected = false;  // after a first hello the chat stays writable through drops (the outbox keeps lines)
  var FINAL_CLOSE = { 4401: true, 4403: true, 4404: true };
  var TOO_MANY = 4429, TOO_MANY_WAIT = 60000;  // too_many_connections: try again after a minute at the soonest
  var PING_EVERY = 25000, PONG_WAIT = 10000, STABLE_AFTER = 10000, RETRY_MAX = 30000, RECONNECTED_FOR = 3000;

  /* --- helpers --- */
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function msg(key, vars) {  // a translated string with {name} placeholders filled in
    var text = d["msg" + key] || "";
    return text.replace(/\{(\w+)\}/g, function (all, name) { return vars && name in vars ? vars[name] : all; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function button(label, action, attrs, className) {
    var b = el("button", "button small" + (className ? " " + className : ""), label);
    b.type = "button";
    b.dataset.action = action;
    for (var key in attrs) if (attrs.hasOwnProperty(key)) b.dataset[key] = attrs[key];
    b.disabled = !isOpen();
    return b;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function status(text) { setText($("room-status"), text || ""); }
  function banner(text, ok) {  // inside an aria-live region that is always on the page, so it is read out
    var node = $("room-banner");
    clearTimeout(bannerTimer);
    node.hidden = !text;
    node.classList.toggle("is-ok", !!ok);
    setText(node, text || "");
  }
  function notice(text) {
    var node = $("my-notice");
    node.hidden = !text;
    setText(node, text || "");
  }
  function store(key, value) {  // per room, in this browser; failures (private mode) only forget
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem("room" + d.roomId + ":" + key));
      localStorage.setItem("room" + d.roomId + ":" + key, JSON.stringify(value));
    } catch (err) { return null; }
  }

  /* --- tabs: one section at a time on a phone, all of them side by side on a wide screen --- */
  var tabs = $("room-tabs");
  function showTab(name, focus) {
    var buttons = tabs.querySelectorAll("[data-tab]");
    for (var i = 0; i < buttons.length; i++) {
      var on = buttons[i].dataset.tab === name;
      buttons[i].setAttribute("aria-selected", on ? "true" : "false");
      buttons[i].tabIndex = on ? 0 : -1;
      if (on) buttons[i].classList.remove("has-news");
      if (on && focus) buttons[i].focus();
      $("panel-" + buttons[i].dataset.tab).classList.toggle("is-active", on);
    }
    store("tab", name);
  }
  var quiet = false;  // true while the snapshot is applied: it is not news
  function news(name) {  // a dot on a tab that changed while another one is shown
    if (quiet) return;
    var tab = tabs.querySelector('[data-tab="' + name + '"]');
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.classList.add("has-news");
  }
  tabs.hidden = false;
  root.classList.add("has-tabs");
  tabs.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-tab]");
    if (tab) showTab(tab.dataset.tab);
  });
  tabs.addEventListener("keydown", function (event) {  // arrow keys move between tabs (WAI-ARIA tabs)
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    var all = Array.prototype.slice.call(tabs.querySelectorAll("[data-tab]"));
    var at = all.indexOf(document.activeElement);
    if (at < 0) return;
    var next = all[(at + (event.key === "ArrowRight" ? 1 : all.length - 1)) % all.length];
    showTab(next.dataset.tab, true);
  });
  var savedTab = store("tab");
  if (location.hash === "#chat") savedTab = "chat";  // back from the form's own post (chat_post)
  showTab(savedTab && $("panel-" + savedTab) ? savedTab : (me.isFacilitator ? "run" : "chat"));
  var wide = window.matchMedia ? window.matchMedia("(min-width: 60rem)") : null;
  function onWidth() {  // a wide screen shows the chat beside every section, so the chat is no tab there
    if (wide && wide.matches && $("tab-chat").getAttribute("aria-selected") === "true") {
      showTab(me.isFacilitator ? "run" : "queue");
    }
  }
  if (wide) {
    onWidth();
    if (wide.addEventListener) wide.addEventListener("change", onWidth);
  }

  /* --- the clock: deadline - (now + offset), offset taken from each frame's server_time --- */
  function format(seconds) {
    var s = Math.max(0, Math.ceil(seconds)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var ss = ("0" + (s % 60)).slice(-2);
    return h ? h + ":" + ("0" + m).slice(-2) + ":" + ss : m + ":" + ss;
  }
  function untilServer(deadline, offset) { return (deadline - (Date.now() + offset)) / 1000; }
  function secondsLeft() {
    if (clock.deadline !== null) return untilServer(clock.deadline, clock.offset);
    return clock.remaining;
  }
  var said = {};  // which "time is nearly up" a screen reader has already heard, per round or turn
  function announce(key, text) {
    if (said[key]) return;
    said[key] = true;
    setText($("clock-announce"), text);
  }
  function tick() {
    var left = secondsLeft();
    setText($("room-clock"), left === null ? "--:--" : format(left));
    if (clock.deadline !== null && left > 0 && left <= 60) announce("round" + currentRoundId, msg("OneMinute"));
    if (queue.turnDeadline !== null) {
      var turnLeft = untilServer(queue.turnDeadline, queue.offset), turn = format(turnLeft);
      if (root.classList.contains("i-have-floor") && turnLeft > 0 && turnLeft <= 30) {
        announce("turn" + queue.turnDeadline, msg("TurnEnding"));
      }
      setText($("turn-clock"), turn);
      var mine = document.querySelector("#queue-list .turn-clock");
      if (mine) setText(mine, turn);
    }
    if (poll.current && poll.current.state === "open") {
      setText($("poll-closes"), msg("PollCloses", { time: format(untilServer(poll.closesAt, poll.offset)) }));
    }
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

  /* --- the round, the agenda and the room's state --- */
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
  function setRoundKind(kind) {
    roundKind = kind || "";
    var qa = roundKind === "qa";
    setText($("questions-note"), qa ? "" : msg("QaOnly"));
    var form = $("question-form");
    if (form) form.hidden = !qa || me.observer;
  }
  function applyRound(type, data) {
    var round = data.round;
    if (type === "round.started" || round.id !== currentRoundId) {
      setText($("round-title"), round.title);
      if (round.id !== currentRoundId) newRound();
    }
    currentRoundId = round.id;
    setRoundKind(round.kind);
    setRoundState(round.id, round.state);
    setClock(data);
    setText($("clock-note"), round.state === "paused" ? d.msgPaused : "");
    if (type === "round.started") setRoomState("live");
    if (round.state === "running" && $("chat-note")) $("chat-note").hidden = true;  // the chat may be open now
  }

  /* --- chat: the plenary's and the table's; the facilitator's tools on each message --- */
  function chatItem(seq, authorId, author, body, tableNumber) {
    var li = el("li");
    li.dataset.seq = seq;
    if (authorId) li.dataset.authorId = authorId;
    if (tableNumber) li.appendChild(el("span", "badge table-badge", msg("TableN", { n: tableNumber })));
    var name = el(me.isFacilitator && authorId && authorId !== me.id ? "button" : "span", "chat-author", author);
    if (name.tagName === "BUTTON") {  // the author's name opens the moderation tools for them
      name.type = "button";
      name.dataset.action = "member.tools";
      name.dataset.userId = authorId;
      name.dataset.name = author;
      name.setAttribute("aria-expanded", "false");
    }
    li.appendChild(name);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "chat-body", body));
    if (me.isFacilitator) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button(msg("Hide"), "chat.hide", { seq: seq }, "link-like"));
    }
    return li;
  }
  function appendTo(list, li) {
    var empty = list.querySelector(".chat-empty");
    if (empty) empty.remove();
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    list.appendChild(li);
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }
  function addChat(seq, data) {
    countMessage(data.author_id);
    if (data.table_id) {
      var table = tables.byId(data.table_id);
      var mineTable = data.table_id === me.tableId;
      var list = mineTable ? $("table-chat-list") : $("fac-table-chat-list");
      if (!mineTable && !me.isFacilitator) return;
      list.hidden = false;
      if (!mineTable) $("fac-table-chat-title").hidden = false;
      appendTo(list, chatItem(seq, data.author_id, data.author, data.body, mineTable ? null : (table && table.number)));
      news("table");
      return;
    }
    appendTo($("chat-list"), chatItem(seq, data.author_id, data.author, data.body));
    news("chat");
  }
  function decorateHistory() {  // the messages the page came with get the same tools as live ones
    if (!me.isFacilitator) return;
    var items = document.querySelectorAll("#chat-list li[data-seq]");
    for (var i = 0; i < items.length; i++) {
      var li = items[i], author = li.querySelector(".chat-author"), body = li.querySelector(".chat-body");
      li.parentNode.replaceChild(chatItem(li.dataset.seq, parseInt(li.dataset.authorId, 10), author.textContent,
                                          body.textContent), li);
    }
  }

  /* --- the outbox: lines sent and not yet acknowledged, kept in this tab (sessionStorage) across drops and
     reloads; each has its client id, so a line sent again is stored once (chat.ack answers both sends) --- */
  // per person too: on a shared computer another person signing in in this tab must not send these as theirs
  var OUTBOX_KEY = "room" + d.roomId + ":user" + d.userId + ":outbox";
  var RESEND_AFTER = 10000;  // a line unacknowledged this long is sent again at the next pong (its id keeps it single)
  var outbox = (function () {
    try {
      var saved = JSON.parse(sessionStorage.getItem(OUTBOX_KEY));
      return Array.isArray(saved) ? saved : [];
    } catch (err) { return []; }
  })();
  function saveOutbox() {  // failures (private mode, full storage) only forget across reloads
    try {
      if (outbox.length) sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox));
      else sessionStorage.removeItem(OUTBOX_KEY);
    } catch (err) { /* kept in memory */ }
  }
  function newClientId() {  // a random UUID (v4); crypto.randomUUID needs https, getRandomValues does not
    var bytes = new Uint8Array(16), hex = "";
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    for (var i = 0; i < 16; i++) hex += ("0" + bytes[i].toString(16)).slice(-2);
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }
  function wellFormed(text) {  // a lone surrogate (a broken emoji) would be refused: replaced by U+FFFD
    if (text.toWellFormed) return text.toWellFormed();
    return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
                        function (all, before) { return (before || "") + "\uFFFD"; });
  }
  function renderOutbox() {
    ["chat-pending", "table-chat-pending"].forEach(function (id) {
      if ($(id)) { clear($(id)); $(id).hidden = true; }
    });
    outbox.forEach(function (entry) {
      var atTable = entry.table && $("my-table") && !$("my-table").hidden;
      var list = $(atTable ? "table-chat-pending" : "chat-pending");
      if (!list) return;
      var li = el("li", "chat-pending-item" + (entry.refused ? " is-refused" : ""));
      li.dataset.clientId = entry.id;
      li.appendChild(el("span", "chat-body", entry.body));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "pending-state", entry.refused ? msg("NotSent", { reason: entry.refused })
                                                               : msg("Sending")));
      if (entry.refused) {  // not data-action: these work offline too
        [["Resend", "resend"], ["Discard", "discard"]].forEach(function (pair) {
          var b = el("button", "button small link-like", msg(pair[0]));
          b.type = "button";
          b.dataset.outbox = pair[1];
          b.dataset.clientId = entry.id;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(b);
        });
      }
      list.appendChild(li);
      list.hidden = false;
    });
  }
  function transmit(entry) {  // on an open, resumed socket now; otherwise after the next hello
    if (!ready) return;
    var data = { body: entry.body, client_id: entry.id };
    entry.sentAt = Date.now();
    if (entry.table) data.table = true;
    send("chat.send", data);
  }
  function flushOutbox() {  // after a resume: every line not refused goes again (a stored one is only acknowledged)
    outbox.forEach(function (entry) { if (!entry.refused) transmit(entry); });
  }
  function resendOverdue() {  // a frame that failed on the server (an "internal" error names no line) is not lost
    var now = Date.now();
    outbox.forEach(function (entry) {
      if (!entry.refused && (!entry.sentAt || now - entry.sentAt > RESEND_AFTER)) transmit(entry);
    });
  }
  function refuseAllPending(reason) {  // the room will not take them (a final close): offer resend/discard
    outbox.forEach(function (entry) { if (!entry.refused) entry.refused = reason; });
    saveOutbox();
    renderOutbox();
  }
  function findEntry(clientId) {
    for (var i = 0; i < outbox.length; i++) if (outbox[i].id === clientId) return outbox[i];
    return null;
  }
  function sendChat(input, toTable) {
    var body = wellFormed(input.value.trim());
    if (!body || me.muted || d.state === "ended") return;
    var entry = { id: newClientId(), body: body, table: !!toTable, refused: "" };
    outbox.push(entry);
    saveOutbox();
    renderOutbox();
    input.value = "";  // the line is in the outbox now, shown as "sending…" until the server has it
    transmit(entry);
  }
  function chatAcked(data) {
    outbox = outbox.filter(function (entry) { return entry.id !== data.client_id; });
    saveOutbox();
    renderOutbox();
  }
  function chatRefused(data) {
    var entry = findEntry(data.client_id);
    status(data.message);
    if (!entry) return;
    entry.refused = data.message || data.code || "?";
    saveOutbox();
    renderOutbox();
  }
  root.addEventListener("click", function (event) {
    var b = event.target.closest("[data-outbox]");
    if (!b) return;
    var entry = findEntry(b.dataset.clientId);
    if (!entry) return;
    if (b.dataset.outbox === "discard") outbox.splice(outbox.indexOf(entry), 1);
    else entry.refused = "";
    saveOutbox();
    renderOutbox();
    if (b.dataset.outbox === "resend") transmit(entry);
  });

  /* --- the speaking queue: replaced whole by every queue.updated --- */
  var queue = { entries: [], turnDeadline: null, offset: 0, seenTurns: {} };
  function applyQueue(entries, serverTime) {
    queue.entries = entries || [];
    queue.offset = serverTime ? Date.parse(serverTime) - Date.now() : 0;
    var list = $("queue-list"), speaker = null, myPlace = 0, waiting = 0;
    clear(list);
    queue.entries.forEach(function (entry) {
      var li = el("li", "queue-" + entry.state), isMe = entry.user_id === me.id;
      li.dataset.userId = entry.user_id;
      if (entry.state === "speaking") {
        speaker = entry;
        if (!queue.seenTurns[entry.hand_id]) { queue.seenTurns[entry.hand_id] = true; countTurn(entry.user_id); }
      } else {
        waiting += 1;
        if (isMe) myPlace = waiting;
      }
      li.appendChild(el("span", "queue-name", entry.name + (isMe ? " " + msg("You") : "")));
      li.appendChild(el("span", "badge", entry.state === "speaking" ? msg("Speaking") : msg("WaitingHand")));
      if (entry.state === "speaking") li.appendChild(el("span", "turn-clock", ""));
      if (me.isFacilitator) {
        var tools = el("span", "queue-tools");
        if (entry.state === "waiting") tools.appendChild(button(msg("GiveFloor"), "queue.give_floor", { userId: entry.user_id }));
        tools.appendChild(button(msg("LowerHand"), "queue.lower", { userId: entry.user_id }));
        li.appendChild(tools);
      }
      list.appendChild(li);
    });
    if (!queue.entries.length) list.appendChild(el("li", "empty", msg("QueueEmpty")));
    queue.turnDeadline = speaker && speaker.turn_deadline ? Date.parse(speaker.turn_deadline) : null;
    $("speaker-line").hidden = !speaker;
    setText($("speaker-name"), speaker ? msg("NowSpeaking", { name: speaker.name }) : "");
    if (!speaker) setText($("turn-clock"), "");
    var mineSpeaking = speaker && speaker.user_id === me.id, mineRaised = mineSpeaking || myPlace > 0;
    root.classList.toggle("i-have-floor", !!mineSpeaking);
    setText($("queue-me"), mineSpeaking ? msg("YourFloor") : (myPlace ? msg("YourPlace", { n: myPlace }) : ""));
    if (mineRaised) delete $("my-notice").dataset.kind;  // an invitation is answered by raising a hand
    if (mineSpeaking) notice(msg("YourFloor"));
    else if ($("my-notice").dataset.kind !== "invited" && !me.muted) notice("");
    if ($("raise-hand")) {
      $("raise-hand").hidden = mineRaised || me.observer;
      $("lower-hand").hidden = !myPlace;
      $("end-my-turn").hidden = !mineSpeaking;
    }
    tick();
    news("queue");
  }

  /* --- the live poll: one open (or just closed) poll at a time --- */
  var poll = { current: null, counts: [], total: 0, closesAt: null, offset: 0 };
  function pollLabels(p) { return p.kind === "scale" ? ["1", "2", "3", "4", "5"] : p.options; }
  var pendingPoll = null;  // the question of the poll this facilitator just asked to open
  function openPoll(data) {
    if (pendingPoll !== null && data.poll.question === pendingPoll && $("poll-form")) {
      $("poll-form").reset();
      $("poll-new").open = false;
      showPollFields();
      pendingPoll = null;
    }
    poll.current = data.poll;
    poll.counts = pollLabels(data.poll).map(function () { return 0; });
    poll.total = 0;
    poll.closesAt = Date.parse(data.closes_at);
    poll.offset = Date.parse(data.server_time) - Date.now();
    renderPoll();
    news("poll");
  }
  function renderPoll() {
    var area = $("poll-area"), p = poll.current;
    clear(area);
    if (!p) { area.appendChild(el("p", "empty", msg("NoPoll"))); return; }
    var isOpen = p.state === "open", mine = store("poll" + p.id) || [];
    area.appendChild(el("h3", "poll-question", p.question));
    if (isOpen) area.appendChild(el("p", "small poll-closes", "")).id = "poll-closes";
    else area.appendChild(el("p", "poll-closed-note", msg("PollClosed")));
    if (isOpen && !me.isFacilitator) area.appendChild(answerForm(p, mine));
    area.appendChild(resultBars(p));
    if (isOpen && me.isFacilitator) {
      var close = button(msg("PollClose"), "poll.close", { pollId: p.id }, "danger");
      close.classList.remove("small");
      area.appendChild(close);
    }
    tick();
  }
  function answerForm(p, mine) {
    var form = el("form", "poll-answer"), fieldset = el("fieldset"), labels = pollLabels(p);
    var multiple = p.kind === "multiple", max = p.max_choices || labels.length;
    form.id = "poll-answer";
    fieldset.appendChild(el("legend", "visually-hidden", p.question));
    if (multiple) fieldset.appendChild(el("p", "helptext", msg("PollMax", { n: max })));
    if (p.kind === "scale") fieldset.appendChild(el("p", "helptext", msg("ScaleLow") + " · " + msg("ScaleHigh")));
    labels.forEach(function (label, index) {
      var value = p.kind === "scale" ? index + 1 : index, row = el("label", "poll-choice" + (p.kind === "scale" ? " scale" : ""));
      var input = el("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = "choice";
      input.value = value;
      input.checked = mine.indexOf(value) >= 0;
      row.appendChild(input);
      row.appendChild(el("span", "", label));
      fieldset.appendChild(row);
    });
    form.appendChild(fieldset);
    var submit = el("button", "button primary needs-socket", mine.length ? msg("PollChange") : msg("PollAnswer"));
    submit.type = "submit";
    submit.disabled = !isOpen();
    form.appendChild(submit);
    if (mine.length) form.appendChild(el("p", "small poll-answered", msg("PollAnswered")));
    form.addEventListener("change", function () {  // multiple: no more than max_choices ticked
      if (!multiple) return;
      var boxes = form.querySelectorAll("input"), ticked = form.querySelectorAll("input:checked").length;
      for (var i = 0; i < boxes.length; i++) boxes[i].disabled = !boxes[i].checked && ticked >= max;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var picked = Array.prototype.map.call(form.querySelectorAll("input:checked"), function (i) {
        return parseInt(i.value, 10);
      });
      if (!picked.length) return;
      if (send("poll.answer", { poll_id: p.id, choices: picked })) {
        store("poll" + p.id, picked);
        renderPoll();
        status(msg("PollAnswered"));
      }
    });
    return form;
  }
  function resultBars(p) {
    var box = el("div", "poll-results"), list = el("ol", "plain-list bars"), labels = pollLabels(p);
    var top = Math.max.apply(null, poll.counts.concat([1]));
    labels.forEach(function (label, index) {
      var count = poll.counts[index] || 0, li = el("li", "bar-row");
      var head = el("div", "bar-head");
      head.appendChild(el("span", "bar-label", label));
      head.appendChild(el("span", "bar-count", String(count)));
      var track = el("div", "progress"), fill = el("div", "progress-fill");
      fill.style.width = (poll.total ? Math.round(100 * count / top) : 0) + "%";
      track.appendChild(fill);
      li.appendChild(head);
      li.appendChild(track);
      list.appendChild(li);
    });
    box.appendChild(list);
    var total = el("p", "small poll-total", msg("PollAnswers", { n: poll.total }));
    total.id = "poll-total";
    total.setAttribute("aria-live", "polite");
    box.appendChild(total);
    return box;
  }
  function pollResults(data, closed) {
    if (!poll.current || poll.current.id !== data.poll_id) return;
    poll.counts = data.counts;
    poll.total = data.total;
    if (closed) poll.current.state = "closed";
    var bars = document.querySelector("#poll-area .poll-results");
    if (closed || !bars) renderPoll();
    else bars.parentNode.replaceChild(resultBars(poll.current), bars);  // a half-ticked answer stays as it is
    news("poll");
  }

  /* --- questions in a Q&A round: replaced whole by every questions.updated --- */
  var myVotes = store("votes") || [];
  function applyQuestions(items) {
    var list = $("question-list");
    clear(list);
    (items || []).forEach(function (q) {
      if (q.voted !== undefined) setVoted(q.id, q.voted);  // the server's word, when a frame carries it
      var li = el("li", "question question-" + q.state), voted = myVotes.indexOf(q.id) >= 0;
      li.dataset.questionId = q.id;
      var votes = el("span", "question-votes", String(q.votes));
      votes.setAttribute("aria-label", msg("Votes", { n: q.votes }));
      li.appendChild(votes);
      var text = el("div", "question-text");
      text.appendChild(el("p", "question-body", q.body));
      var meta = el("p", "small meta", q.author);
      if (q.state !== "open") meta.appendChild(el("span", "badge", msg("Q" + q.state.charAt(0).toUpperCase() + q.state.slice(1))));
      text.appendChild(meta);
      var tools = el("div", "question-tools");
      if (!me.isFacilitator && q.author_id !== me.id && q.state === "open") {
        var vote = button(voted ? msg("Unvote") : msg("Upvote"), voted ? "question.unvote" : "question.vote", { questionId: q.id });
        vote.setAttribute("aria-pressed", voted ? "true" : "false");
        tools.appendChild(vote);
      }
      if (me.isFacilitator) {
        if (q.state === "open") tools.appendChild(button(msg("MarkAnswering"), "question.mark", { questionId: q.id, state: "answering" }));
        if (q.state !== "answered") tools.appendChild(button(msg("MarkAnswered"), "question.mark", { questionId: q.id, state: "answered" }));
        tools.appendChild(button(msg("Hide"), "question.mark", { questionId: q.id, state: "hidden" }, "danger"));
      }
      text.appendChild(tools);
      li.appendChild(text);
      list.appendChild(li);
    });
    if (!list.firstChild) list.appendChild(el("li", "empty", msg("NoQuestions")));
  }
  function setVoted(questionId, on) {
    var at = myVotes.indexOf(questionId);
    if (on && at < 0) myVotes.push(questionId);
    if (!on && at >= 0) myVotes.splice(at, 1);
    store("votes", myVotes);
  }

  /* --- a fair floor: live turns and chat share on the page-load figures; the move-on vote --- */
  function statRow(userId) { return document.querySelector('#floor-stats tr[data-user-id="' + userId + '"]'); }
  function countTurn(userId) {
    var row = statRow(userId);
    if (!row) return;
    row.dataset.turns = (parseInt(row.dataset.turns, 10) || 0) + 1;
    setText(row.querySelector(".stat-turns"), row.dataset.turns);
  }
  function countMessage(userId) {
    var row = statRow(userId);
    if (!row) return;
    row.dataset.messages = (parseInt(row.dataset.messages, 10) || 0) + 1;
    var rows = document.querySelectorAll("#floor-stats tbody tr"), total = 0, i;
    for (i = 0; i < rows.length; i++) total += parseInt(rows[i].dataset.messages, 10) || 0;
    for (i = 0; i < rows.length; i++) {
      var share = total ? Math.round(1000 * (parseInt(rows[i].dataset.messages, 10) || 0) / total) / 10 : 0;
      setText(rows[i].querySelector(".stat-share"), share + "%");
    }
  }
  function newRound() {  // what belonged to the last round goes: its votes, its questions, an invitation
    resetMoveOn();
    applyQuestions([]);
    status("");
    if ($("my-notice").dataset.kind === "invited") {
      delete $("my-notice").dataset.kind;
      notice(me.muted ? msg("MutedYou") : "");
    }
  }
  function resetMoveOn() {
    setText($("move-on-count"), me.isFacilitator ? "–" : "");
    if ($("move-on")) $("move-on").removeAttribute("aria-pressed");
  }

  /* --- people: who is present, at which table; the facilitator's tools for each --- */
  var people = {}, muted = {}, presentCount = null;  // people: at most the 200 the server lists
  function applyPresence(members, count, replace) {
    if (replace) people = {};
    (members || []).forEach(function (m) {
      if (m.muted !== undefined) { if (m.muted) muted[m.user_id] = true; else delete muted[m.user_id]; }
      if (m.present === false) delete people[m.user_id];
      else people[m.user_id] = m;
      if (m.user_id === me.id && m.table_id !== undefined && m.present !== false) me.tableId = m.table_id;
    });
    presentCount = typeof count === "number" ? count : Object.keys(people).length;
    renderPeople();
  }
  function renderPeople() {
    setText($("presence-count"), presentCount === null ? "" : msg("Present", { n: presentCount }));
    var list = $("presence-list");
    clear(list);
    Object.keys(people).map(function (k) { return people[k]; })
      .sort(function (a, b) { return (a.table_id || 0) - (b.table_id || 0) || a.name.localeCompare(b.name); })
      .forEach(function (m) {
        var li = el("li", "person"), table = m.table_id ? tables.byId(m.table_id) : null;
        li.dataset.userId = m.user_id;
        li.appendChild(el("span", "person-name", m.name + (m.user_id === me.id ? " " + msg("You") : "")));
        if (m.role === "observer") li.appendChild(el("span", "badge", msg("Observer")));
        if (muted[m.user_id]) li.appendChild(el("span", "badge state-hidden", msg("Muted")));
        if (table) li.appendChild(el("span", "badge table-badge", msg("TableN", { n: table.number })));
        if (me.isFacilitator && m.user_id !== me.id) li.appendChild(memberTools(m.user_id, m.name));
        list.appendChild(li);
      });
    var unlisted = (presentCount || 0) - list.childNodes.length;  // a big room lists only some of its people
    if (unlisted > 0) list.appendChild(el("li", "small more-people", msg("MorePeople", { n: unlisted })));
  }
  function memberTools(userId, name) {
    var tools = el("span", "member-tools"), attrs = { userId: userId, name: name };
    tools.appendChild(button(msg("Invite"), "floor.invite", attrs));
    tools.appendChild(button(muted[userId] ? msg("Unmute") : msg("Mute"), muted[userId] ? "member.unmute" : "member.mute", attrs));
    tools.appendChild(button(msg("Remove"), "member.remove", attrs, "danger"));
    return tools;
  }
  function setMuted(data, on, silently) {
    if (on) muted[data.user_id] = true; else delete muted[data.user_id];
    renderPeople();
    if (data.user_id !== me.id) return;
    me.muted = on;
    if (!silently || on) notice(on ? msg("MutedYou") : msg("UnmutedYou"));
    enableControls(isOpen());
  }

  /* --- tables: the facilitator splits the room; each person sees their own table --- */
  var tables = { open: [], byId: function (id) {
    for (var i = 0; i < tables.open.length; i++) if (tables.open[i].id === id) return tables.open[i];
    return null;
  } };
  function findMyTable() {
    for (var i = 0; i < tables.open.length; i++) {
      var members = tables.open[i].members;
      for (var j = 0; j < members.length; j++) if (members[j].user_id === me.id) return tables.open[i];
    }
    return null;
  }
  function mayWriteSummary(table) {
    if (me.isFacilitator) return true;
    return table.facilitator_id ? table.facilitator_id === me.id : findMyTable() === table;
  }
  function applyTables(list) {
    tables.open = list || [];
    var mine = findMyTable(), wasAt = me.tableId;
    me.tableId = mine ? mine.id : null;
    if (me.tableId !== wasAt) clear($("table-chat-list"));
    setText($("table-me"), mine ? msg("YourTable", { n: mine.number }) : msg("NoTable"));
    $("table-me").hidden = me.isFacilitator && tables.open.length > 0;  // the facilitator sees every table below
    if ($("split-form")) {  // one split at a time: split, or bring everyone back
      $("split-form").querySelector("[type=submit]").hidden = tables.open.length > 0;
      $("split-form").querySelector("[data-action='tables.bring_back']").hidden = !tables.open.length;
    }
    $("my-table").hidden = !mine;
    renderOutbox();  // a table line left over when the tables close is shown under the plenary's chat
    var members = $("table-members");
    clear(members);
    if (mine) mine.members.forEach(function (m) {
      var li = el("li", "", m.name + (m.user_id === me.id ? " " + msg("You") : ""));
      if (m.user_id === mine.facilitator_id) li.appendChild(el("span", "badge", msg("TableLead")));
      members.appendChild(li);
    });
    var box = $("table-summary-box"), editor = $("table-summary-body");
    box.hidden = !(mine && mayWriteSummary(mine));
    if (mine && document.activeElement !== editor) editor.value = mine.summary || "";
    renderAllTables();
    renderSummaries(tables.open, false);
    renderPeople();
    if (!tables.open.length) {  // the facilitator's view of every table's chat ends with the tables
      clear($("fac-table-chat-list"));
      $("fac-table-chat-list").hidden = $("fac-table-chat-title").hidden = true;
    }
    news("table");
  }
  function renderAllTables() {
    var box = $("all-tables-box"), list = $("all-tables");
    box.hidden = !me.isFacilitator || !tables.open.length;
    clear(list);
    if (!me.isFacilitator) return;
    tables.open.forEach(function (table) {
      var li = el("li", "table-card");
      li.appendChild(el("h4", "", msg("TableN", { n: table.number })));
      var members = el("ul", "plain-list");
      table.members.forEach(function (m) {
        var row = el("li", "table-member", m.name);
        if (m.user_id === table.facilitator_id) row.appendChild(el("span", "badge", msg("TableLead")));
        else row.appendChild(button(msg("MakeLead"), "tables.set_facilitator", { tableId: table.id, userId: m.user_id }));
        var move = el("select", "table-move");
        move.setAttribute("aria-label", msg("MoveTo") + " " + m.name);
        move.dataset.userId = m.user_id;
        tables.open.forEach(function (other) {
          var option = el("option", "", msg("TableN", { n: other.number }));
          option.value = other.id;
          option.selected = other.id === table.id;
          move.appendChild(option);
        });
        row.appendChild(move);
        members.appendChild(row);
      });
      li.appendChild(members);
      var summary = el("textarea", "table-summary-edit");
      summary.maxLength = 2000;
      summary.rows = 2;
      summary.value = table.summary || "";
      summary.setAttribute("aria-label", msg("TableN", { n: table.number }));
      li.appendChild(summary);
      li.appendChild(button(msg("SummarySave"), "tables.summary", { tableId: table.id }));
      list.appendChild(li);
    });
  }
  function renderSummaries(list, closed) {
    var box = $("summaries-box"), ol = $("summaries"), any = false;
    clear(ol);
    (list || []).forEach(function (table) {
      if (!table.summary && !closed) return;
      any = true;
      var li = el("li", "summary");
      li.appendChild(el("h4", "", msg("TableN", { n: table.number })));
      li.appendChild(el("p", "summary-body" + (table.summary ? "" : " empty"), table.summary || msg("NoSummary")));
      ol.appendChild(li);
    });
    box.hidden = !any;
  }
  function tableSummary(data) {
    var table = tables.byId(data.table_id);
    if (table) table.summary = data.body;
    var editor = $("table-summary-body");
    if (data.table_id === me.tableId && document.activeElement !== editor) editor.value = data.body;
    if (data.author_id === me.id) status(msg("SummarySaved"));
    renderSummaries(tables.open, false);
    renderAllTables();
    news("table");
  }

  /* --- frames --- */
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
      setRoundKind("");
      newRound();
    },
    "room.ended": function () {
      setRoomState("ended");
      stopClock(false);
      setText($("round-title"), d.msgEnded);
      setText($("clock-note"), "");
      stopped = true;
      enableControls(false);
      $("record-link").hidden = false;
    },
    "chat.message": function (type, data, seq) { addChat(seq, data); },
    "chat.hidden": function (type, data) {
      var li = document.querySelector('.chat-list li[data-seq="' + data.seq + '"]');
      if (li) li.remove();
    },
    "queue.updated": function (type, data) { applyQueue(data.queue, data.server_time); },
    "member.muted": function (type, data) { setMuted(data, true); },
    "member.unmuted": function (type, data) { setMuted(data, false); },
    "member.removed": function (type, data) {
      delete people[data.user_id];
      renderPeople();
    },
    "questions.updated": function (type, data) {
      if (data.round_id === currentRoundId || currentRoundId === null) applyQuestions(data.questions);
      news("questions");
    },
    "floor.invited": function (type, data) {
      if (data.user_id === me.id) {
        $("my-notice").dataset.kind = "invited";
        notice(msg("Invited"));
      } else if (me.isFacilitator) {
        status(msg("InviteSent", { name: data.name }));
      }
    },
    "move_on.updated": function (type, data) {
      if (data.round_id !== currentRoundId && currentRoundId !== null) return;
      setText($("move-on-count"), msg("MoveOnCount", { votes: data.votes, needed: data.needed }));
    },
    "poll.opened": function (type, data) { openPoll(data); },
    "poll.results": function (type, data) { pollResults(data, false); },
    "poll.closed": function (type, data) { pollResults(data, true); },
    "presence.updated": function (type, data) { applyPresence(data.members, data.count, false); },
    "tables.opened": function (type, data) {
      applyTables(data.tables);
      if (me.tableId) { showTab("table"); status(msg("YourTable", { n: tables.byId(me.tableId).number })); }
    },
    "tables.updated": function (type, data) { applyTables(data.tables); },
    "table.summary": function (type, data) { tableSummary(data); },
    // a citizens' jury's private room (issue 5)
    "recommendation.updated": function (type, data) {
      setText($("recommendation-text"), data.text);
      setText($("recommendation-version"), String(data.version));
    },
    "jury.state": function (type, data) {
      var labels = $("jury-stage-labels") ? JSON.parse($("jury-stage-labels").textContent) : {};
      setText($("jury-stage"), labels[data.state] || data.state);
      if ($("draft-link")) $("draft-link").hidden = data.state !== "drafting";
    },
    "verdict.opened": function () { if ($("verdict-link")) $("verdict-link").hidden = false; },
    "verdict.closed": function () { if ($("verdict-link")) $("verdict-link").hidden = true; },
    "agenda.round_added": function (type, data) {
      var r = data.round, li = el("li", "round-" + r.state);
      li.dataset.roundId = r.id;
      li.dataset.kind = r.kind;
      li.appendChild(el("span", "agenda-title", r.title));
      li.appendChild(el("span", "badge round-badge", d.labelPending || r.state));
      $("agenda").appendChild(li);
    },
    "tables.closed": function (type, data) {
      applyTables([]);
      renderSummaries(data.tables, true);
      status(msg("TablesClosed"));
    }
  };

  function applyHello(data) {
    quiet = true;
    if (data.you) {
      me.id = data.you.user_id;
      me.isFacilitator = !!data.you.is_facilitator || me.isFacilitator;
      if (data.you.muted !== undefined) setMuted({ user_id: me.id }, !!data.you.muted, true);
      me.observer = data.you.role === "observer";  // observers read and listen: no hand, no vote, no questions
      if ($("move-on")) $("move-on").hidden = me.observer;
    }
    if (data.room) setRoomState(data.room.state);
    (data.agenda || []).forEach(function (r) { setRoundState(r.id, r.state); });
    if (data.current) applyRound("hello", data.current);
    else setRoundKind("");
    applyQueue(data.queue, data.server_time);
    applyQuestions(data.questions);
    if (data.tables) applyTables(data.tables);
    if (data.presence) applyPresence(data.presence, data.presence_count, true);
    // Not in the snapshot yet (asked for): the open poll and the round's move-on count; used when present.
    if (data.poll) {
      openPoll({ poll: data.poll.poll, closes_at: data.poll.closes_at, server_time: data.server_time });
      if (data.poll.your_choices) store("poll" + data.poll.poll.id, data.poll.your_choices);
      pollResults({ poll_id: data.poll.poll.id, counts: data.poll.counts, total: data.poll.total },
                  data.poll.poll.state === "closed");
    }
    if (data.move_on) handlers["move_on.updated"]("move_on.updated", data.move_on);
    quiet = false;
  }

  function onFrame(frame) {
    if (frame.type === "hello") {
      clearTimeout(stableTimer);  // the backoff starts again only once a socket has stayed up a while
      stableTimer = setTimeout(function () { attempt = 0; }, STABLE_AFTER);
      lastError = "";
      if (wasDown) {
        banner(msg("Reconnected"), true);
        bannerTimer = setTimeout(function () { banner(""); }, RECONNECTED_FOR);
      } else {
        banner("");
      }
      wasDown = false;
      status(d.msgConnected);
      applyHello(frame.data || {});
      send("resume", { last_seq: lastSeq });
      ready = everConnected = true;
      flushOutbox();
      enableControls(d.state !== "ended");
      return;
    }
    if (frame.type === "chat.ack") { chatAcked(frame.data || {}); return; }
    if (frame.type === "chat.refused") { chatRefused(frame.data || {}); return; }
    if (frame.type === "pong") {
      clearTimeout(pongTimer);
      var theirs = frame.data && frame.data.last_seq;
      if (typeof theirs === "number" && theirs > lastSeq) send("resume", { last_seq: lastSeq });
      resendOverdue();
      return;
    }
    if (frame.type === "error") { lastError = frame.message; status(frame.message); onRefusal(frame.code); return; }
    if (typeof frame.seq !== "number" || frame.seq <= lastSeq) return;  // already applied
    lastSeq = frame.seq;
    var handler = handlers[frame.type];
    if (handler) handler(frame.type, frame.data || {}, frame.seq);  // unknown types are ignored
  }
  function onRefusal(code) {  // the local record of votes follows the server (chat has chat.refused)
    pendingPoll = null;  // the poll form keeps what the facilitator typed
    if (!pendingVote) return;
    if (code === "already_voted") setVoted(pendingVote, true);
    if (code === "no_vote") setVoted(pendingVote, false);
    pendingVote = null;
  }

  /* --- the connection: backoff with jitter, a ping every 25 s, offline shown --- */
  function isOpen() { return !!ws && ws.readyState === WebSocket.OPEN && d.state !== "ended"; }
  function send(type, data) {
    if (!ws || ws.readyState !== WebSocket.OPEN) { status(d.msgReconnecting); return false; }
    ws.send(JSON.stringify({ type: type, data: data || {} }));
    return true;
  }
  function enableControls(on) {
    var buttons = root.querySelectorAll("[data-frame], [data-action], .needs-socket, #chat-form button");
    for (var i = 0; i < buttons.length; i++) {
      var chat = !!buttons[i].closest("#chat-form, #table-chat-form");
      var needsVoice = buttons[i].dataset.action === "queue.raise" || chat;
      // a chat line may be written while reconnecting: it waits in the outbox
      buttons[i].disabled = !(on || (chat && everConnected && !stopped && d.state !== "ended")) || (me.muted && needsVoice);
    }
  }
  function ping() {
    if (!send("ping", {})) return;
    clearTimeout(pongTimer);
    pongTimer = setTimeout(dropSocket, PONG_WAIT);  // a silent connection is a dead one
  }
  function dropSocket() {  // give up on this socket now: a dead network may take minutes to report it closed
    if (!ws) return;
    var old = ws;
    ws = null;
    ready = false;
    old.onclose = old.onmessage = null;
    try { old.close(); } catch (err) { /* already closing */ }
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    enableControls(false);
    scheduleReconnect();
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
    ws.onopen = function () { clearInterval(pingTimer); pingTimer = setInterval(ping, PING_EVERY); };
    ws.onclose = function (event) {
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      ws = null;
      ready = false;
      if (FINAL_CLOSE[event.code]) stopped = true;
      enableControls(false);
      if (stopped) { banner(lastError || d.msgClosed); refuseAllPending(lastError || d.msgClosed); return; }
      scheduleReconnect(event.code === TOO_MANY ? TOO_MANY_WAIT : 0);
    };
  }
  function scheduleReconnect(atLeast) {  // any close but a refusal (1006, 1011, 4013 "try again later", ...)
    if (stopped) return;
    clearTimeout(stableTimer);
    clearTimeout(retryTimer);
    var wait = Math.min(RETRY_MAX, 1000 * Math.pow(2, attempt) * (0.75 + Math.random() * 0.5));  // jitter +-25 %
    wait = Math.max(wait, atLeast || 0);  // 4429: the person's other tabs hold the seats; ask rarely
    attempt += 1;
    wasDown = true;
    banner(atLeast && lastError ? lastError
           : navigator.onLine === false ? d.msgOffline : msg("ReconnectingN", { n: attempt }));
    retryTimer = setTimeout(connect, wait);
  }

  window.addEventListener("offline", function () { banner(d.msgOffline); dropSocket(); });
  window.addEventListener("online", function () { attempt = 0; if (!ws) connect(); });
  document.addEventListener("visibilitychange", function () {  // a phone back from sleep checks at once
    if (document.visibilityState !== "visible" || stopped) return;
    if (ws && ws.readyState === WebSocket.OPEN) ping();
    else if (!ws) { attempt = 0; connect(); }
  });

  /* --- the user's actions: buttons carry data-frame (clock) or data-action (everything else) --- */
  var pendingVote = null;
  var actions = {
    "queue.raise": function () { send("queue.raise"); },
    "queue.lower": function (b) { send("queue.lower", b.dataset.userId ? { user_id: +b.dataset.userId } : {}); },
    "queue.give_floor": function (b) { send("queue.give_floor", b.dataset.userId ? { user_id: +b.dataset.userId } : {}); },
    "queue.end_turn": function () { send("queue.end_turn"); },
    "move_on.vote": function (b) {
      if (send("move_on.vote")) { b.setAttribute("aria-pressed", "true"); status(msg("MoveOnSent")); }
    },
    "floor.invite": function (b) { send("floor.invite", { user_id: +b.dataset.userId }); },
    "member.tools": function (b) {  // the chat author's name: show or hide their moderation tools
      var open = b.parentNode.querySelector(".member-tools");
      b.setAttribute("aria-expanded", open ? "false" : "true");
      if (open) open.remove();
      else b.parentNode.appendChild(memberTools(+b.dataset.userId, b.dataset.name));
    },
    "member.mute": function (b) { send("member.mute", { user_id: +b.dataset.userId }); },
    "member.unmute": function (b) { send("member.unmute", { user_id: +b.dataset.userId }); },
    "member.remove": function (b) {
      var reason = window.prompt(msg("ReasonRemove", { name: b.dataset.name }));
      if (reason && reason.trim()) send("member.remove", { user_id: +b.dataset.userId, reason: reason.trim() });
    },
    "chat.hide": function (b) {
      var reason = window.prompt(msg("ReasonHide"));
      if (reason && reason.trim()) send("chat.hide", { seq: +b.dataset.seq, reason: reason.trim() });
    },
    "question.vote": function (b) {
      pendingVote = +b.dataset.questionId;
      if (send("question.vote", { question_id: pendingVote })) setVoted(pendingVote, true);
    },
    "question.unvote": function (b) {
      pendingVote = +b.dataset.questionId;
      if (send("question.unvote", { question_id: pendingVote })) setVoted(pendingVote, false);
    },
    "question.mark": function (b) {
      var data = { question_id: +b.dataset.questionId, state: b.dataset.state };
      if (data.state === "hidden") {
        var reason = window.prompt(msg("ReasonQuestion"));
        if (!reason || !reason.trim()) return;
        data.reason = reason.trim();
      }
      send("question.mark", data);
    },
    "poll.close": function (b) { send("poll.close", { poll_id: +b.dataset.pollId }); },
    "tables.bring_back": function () { send("tables.bring_back"); },
    "tables.set_facilitator": function (b) {
      send("tables.set_facilitator", { table_id: +b.dataset.tableId, user_id: +b.dataset.userId });
    },
    "tables.summary": function (b) {  // the facilitator's editor in the list of all tables
      var body = b.parentNode.querySelector(".table-summary-edit").value.trim();
      send("tables.summary", { table_id: +b.dataset.tableId, body: body });
    }
  };
  root.addEventListener("click", function (event) {
    var b = event.target.closest("[data-frame], [data-action]");
    if (!b || b.disabled) return;
    if (b.dataset.action) { actions[b.dataset.action](b); return; }
    var type = b.dataset.frame, data = {};
    if (type === "clock.adjust") data.seconds = parseInt(b.dataset.seconds, 10);
    if (type === "room.end" && !window.confirm(d.msgConfirmEnd)) return;
    send(type, data);
  });
  root.addEventListener("change", function (event) {
    var select = event.target.closest(".table-move");
    if (select) send("tables.move", { user_id: +select.dataset.userId, table_id: +select.value });
  });
  function onSubmit(id, work) {
    var form = $(id);
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); work(form); });
  }
  function enterSends(id, formId) {  // Enter sends, Shift+Enter makes a new line
    var input = $(id);
    if (input) input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {  // not while composing Hangul
        event.preventDefault();
        $(formId).requestSubmit ? $(formId).requestSubmit() : $(formId).dispatchEvent(new Event("submit"));
      }
    });
  }
  onSubmit("chat-form", function () { sendChat($("chat-body"), false); });
  onSubmit("table-chat-form", function () { sendChat($("table-chat-body"), true); });
  enterSends("chat-body", "chat-form");
  enterSends("table-chat-body", "table-chat-form");
  onSubmit("question-form", function () {
    var input = $("question-body"), body = input.value.trim();
    if (body && send("question.ask", { body: body })) input.value = "";
  });
  onSubmit("table-summary-form", function () {
    if (me.tableId) send("tables.summary", { table_id: me.tableId, body: $("table-summary-body").value.trim() });
  });
  onSubmit("split-form", function () {
    send("tables.split", { size: parseInt($("split-size").value, 10), method: $("split-method").value });
  });
  onSubmit("poll-form", function (form) {
    var kind = $("poll-kind").value, data = { question: $("poll-question").value.trim(), kind: kind,
                                              duration_seconds: parseInt($("poll-duration").value, 10) || 60 };
    if (kind !== "scale") {
      data.options = $("poll-options").value.split("\n").map(function (s) { return s.trim(); })
        .filter(function (s) { return s; });
    }
    if (kind === "multiple" && $("poll-max").value) data.max_choices = parseInt($("poll-max").value, 10);
    if (data.question && send("poll.open", data)) pendingPoll = data.question;  // the form clears when it opens
  });
  function showPollFields() {
    if (!$("poll-kind")) return;
    var kind = $("poll-kind").value;
    $("poll-options-field").hidden = kind === "scale";
    $("poll-max-field").hidden = kind !== "multiple";
  }
  if ($("poll-kind")) $("poll-kind").addEventListener("change", showPollFields);

  decorateHistory();
  renderOutbox();  // lines left unacknowledged before a reload: sent again after the hello
  setRoundKind(roundKind);
  enableControls(false);
  setInterval(tick, 250);
  tick();
  connect();
})();
