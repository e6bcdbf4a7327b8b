/* The live room's entry module: one WebSocket (./socket.js), events applied in seq order, the parts of
   the room wired together. Protocol: docs/realtime-protocol.md. Native ES modules, no build step.

   Each part of the room is a module under ./room/ with its frame handlers (by frame type), its
   actions (by a button's data-action) and its init:
     common.js     the page's data, who I am, DOM helpers, send() and the controls that need the socket
     tabs.js       one section at a time on a phone, news dots
     clock.js      the clock, rounds, the agenda, the room's state; the facilitator's clock buttons
     chat.js       the chat and the outbox (lines not yet acknowledged, resent after a resume)
     queue.js      the speaking queue, invitations, a fair floor, the vote to move on
     questions.js  questions in a Q&A round
     polls.js      live polls
     tables.js     small tables, their chats and summaries
     presence.js   who is here, and the facilitator's tools for each person
     jury.js       a citizens' jury's stage, draft and vote link
   Strings come from the page's one json_script blob (./i18n.js). */

import { t } from "./i18n.js";
import { keepSocket } from "./socket.js";
import { root, d, me, conn, status, banner, send, enableControls, refuseAt, trackControls } from "./room/common.js";
import { initTabs, setQuiet } from "./room/tabs.js";
import * as clock from "./room/clock.js";
import * as chat from "./room/chat.js";
import * as queue from "./room/queue.js";
import * as questions from "./room/questions.js";
import * as polls from "./room/polls.js";
import * as tables from "./room/tables.js";
import * as presence from "./room/presence.js";
import * as jury from "./room/jury.js";

if (root && "WebSocket" in window) start();

function start() {
  const parts = [clock, chat, queue, questions, polls, tables, presence, jury];
  const handlers = Object.assign({}, ...parts.map((part) => part.handlers || {}));
  const actions = Object.assign({}, ...parts.map((part) => part.actions || {}));
  let lastSeq = parseInt(d.lastSeq, 10) || 0;

  function applyHello(data) {  // the snapshot: what the room is now
    setQuiet(true);
    if (data.you) {
      me.id = data.you.user_id;
      me.isFacilitator = !!data.you.is_facilitator || me.isFacilitator;
      if (data.you.muted !== undefined) presence.setMuted({ user_id: me.id }, !!data.you.muted, true);
      me.observer = data.you.role === "observer";  // observers read and listen: no hand, no vote, no questions
      if (document.getElementById("move-on")) document.getElementById("move-on").hidden = me.observer;
    }
    if (data.room) clock.setRoomState(data.room.state);
    (data.agenda || []).forEach((r) => { clock.setRoundState(r.id, r.state); });
    if (data.current) clock.applyRound("hello", data.current);
    else clock.setRoundKind("");
    queue.applyQueue(data.queue, data.server_time);
    questions.applyQuestions(data.questions);
    if (data.tables) tables.applyTables(data.tables);
    if (data.presence) presence.applyPresence(data.presence, data.presence_count, true);
    // Not in the snapshot yet (asked for): the open poll and the round's move-on count; used when present.
    if (data.poll) polls.applyPollSnapshot(data.poll, data.server_time);
    if (data.move_on) queue.applyMoveOn("move_on.updated", data.move_on);
    setQuiet(false);
  }

  function onFrame(frame) {
    if (frame.type === "hello") {
      conn.socket.connected();  // the status is cleared ("Reconnected." after a drop)
      status(t("Connected"));
      applyHello(frame.data || {});
      send("resume", { last_seq: lastSeq });
      conn.ready = conn.everConnected = true;
      chat.flushOutbox();
      enableControls(d.state !== "ended");
      d.connected = "1";
      return;
    }
    if (frame.type === "chat.ack") { chat.chatAcked(frame.data || {}); return; }
    if (frame.type === "chat.refused") { chat.chatRefused(frame.data || {}); return; }
    if (frame.type === "pong") {
      const theirs = frame.data && frame.data.last_seq;
      if (typeof theirs === "number" && theirs > lastSeq) send("resume", { last_seq: lastSeq });
      chat.resendOverdue();
      return;
    }
    if (frame.type === "error") {
      conn.socket.refused(frame.message);
      // said next to the control that sent the refused frame; the status line only when there is none
      if (!refuseAt(frame.for, frame.message)) status(frame.message);
      polls.pollRefused();
      questions.questionRefused(frame.code);
      return;
    }
    if (typeof frame.seq !== "number" || frame.seq <= lastSeq) return;  // already applied
    lastSeq = frame.seq;
    const handler = handlers[frame.type];
    if (handler) handler(frame.type, frame.data || {}, frame.seq);  // unknown types are ignored
  }

  /* the user's actions: buttons carry data-frame (the clock) or data-action (everything else) */
  root.addEventListener("click", (event) => {
    const b = event.target.closest("[data-frame], [data-action]");
    if (!b || b.disabled) return;
    if (b.dataset.action) actions[b.dataset.action](b);
    else clock.sendClockFrame(b);
  });

  initTabs();
  trackControls();
  chat.initChat();
  questions.initQuestions();
  queue.initQueue();  // the turn's clock ticks before the poll's, as they are on the page
  polls.initPolls();
  tables.initTables(root);
  presence.initPresence();
  enableControls(false);
  clock.initClock();
  conn.socket = keepSocket("/ws/rooms/" + d.roomId + "/", {
    onFrame: onFrame,
    onConnecting: () => { status(t("Connecting")); },
    onStatus: banner,
    onDown: () => { conn.ready = false; d.connected = "0"; enableControls(false); },
    onFinal: (message) => {
      banner(message || t("Closed"));
      chat.refuseAllPending(message || t("Closed"));
    },
  });
}
