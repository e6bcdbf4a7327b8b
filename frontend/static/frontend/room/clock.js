/* The clock, the round, the agenda and the room's state. The clock is deadline - (now + offset), the
   offset taken from each frame's server_time; other parts add their own timers with onTick (a turn,
   a poll). The facilitator's clock buttons carry data-frame. */

import { t, label } from "../i18n.js";
import { $, d, conn, me, live, setText, el, status, send, enableControls, refreshControls,
         clearRefusals } from "./common.js";

export const clock = { deadline: d.deadline ? Date.parse(d.deadline) : null,
                       remaining: d.remaining ? parseFloat(d.remaining) : null,
                       offset: d.serverTime ? Date.parse(d.serverTime) - Date.now() : 0 };
export const round = { id: d.roundId ? parseInt(d.roundId, 10) : null, kind: d.roundKind || "" };
const tickers = [], newRoundHooks = [];
const said = {};  // which "time is nearly up" a screen reader has already heard, per round or turn

export function format(seconds) {
  const s = Math.max(0, Math.ceil(seconds)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
  const ss = ("0" + (s % 60)).slice(-2);
  return h ? h + ":" + ("0" + m).slice(-2) + ":" + ss : m + ":" + ss;
}
export function untilServer(deadline, offset) { return (deadline - (Date.now() + offset)) / 1000; }
function secondsLeft() {
  if (clock.deadline !== null) return untilServer(clock.deadline, clock.offset);
  return clock.remaining;
}
export function announce(key, text) {
  if (said[key]) return;
  said[key] = true;
  setText($("clock-announce"), text);
}
/** fn runs on every tick (4 times a second and whenever the clock changes), after the round's clock. */
export function onTick(fn) { tickers.push(fn); }
/** fn runs when a new round starts (or the room waits for one): what belonged to the last round goes. */
export function onNewRound(fn) { newRoundHooks.push(fn); }
export function tick() {
  const left = secondsLeft();
  setText($("room-clock"), left === null ? "--:--" : format(left));
  if (clock.deadline !== null && left > 0 && left <= 60) announce("round" + round.id, t("OneMinute"));
  tickers.forEach((fn) => fn());
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

export function setRoundState(roundId, state) {
  const li = document.querySelector('#agenda li[data-round-id="' + roundId + '"]');
  if (!li) return;
  li.className = "round-" + state;
  setText(li.querySelector(".round-badge"), label("RoundStates", state));
}
export function setRoomState(state) {
  const badge = $("room-state");
  badge.className = "badge room-state-" + state;
  setText(badge, label("RoomStates", state));
  d.state = state;
  refreshControls();
}
export function setRoundKind(kind) {
  round.kind = kind || "";
  if (!round.kind) live.round = null;  // no round: waiting for the next one
  const qa = round.kind === "qa";
  setText($("questions-note"), qa ? "" : t("QaOnly"));
  const form = $("question-form");
  if (form) form.hidden = !qa || me.observer;
}
export function applyRound(type, data) {
  const r = data.round;
  if (type === "round.started" || r.id !== round.id) {
    setText($("round-title"), r.title);
    if (r.id !== round.id) newRound();
  }
  round.id = r.id;
  live.round = r;
  setRoundKind(r.kind);
  setRoundState(r.id, r.state);
  setClock(data);
  setText($("clock-note"), r.state === "paused" ? t("Paused") : "");
  if (type === "round.started") setRoomState("live");
  refreshControls();
}
/** Whether a frame about roundId is about the round shown (or no round is shown). */
export function isThisRound(roundId) { return roundId === round.id || round.id === null; }
function newRound() {  // what belonged to the last round goes: its votes, its questions, an invitation
  newRoundHooks.forEach((fn) => fn());
  status("");
  clearRefusals();
}

export const handlers = {
  "round.started": applyRound, "round.paused": applyRound, "round.resumed": applyRound,
  "round.adjusted": applyRound,
  "round.ended": (type, data) => {
    setRoundState(data.round_id, data.state);
    if (isThisRound(data.round_id)) {
      stopClock(true);
      if (live.round && live.round.id === data.round_id) live.round.state = data.state;
      refreshControls();
    }
  },
  "room.opened": () => { setRoomState("open"); },
  "room.waiting": () => {
    setRoomState("open");
    stopClock(false);
    setText($("round-title"), t("Waiting"));
    setText($("clock-note"), "");
    setRoundKind("");
    newRound();
  },
  "room.ended": () => {
    setRoomState("ended");
    stopClock(false);
    setText($("round-title"), t("Ended"));
    setText($("clock-note"), "");
    if (conn.socket) conn.socket.stop();
    enableControls(false);
    $("record-link").hidden = false;
  },
  "agenda.round_added": (type, data) => {
    const r = data.round, li = el("li", "round-" + r.state);
    li.dataset.roundId = r.id;
    li.dataset.kind = r.kind;
    li.appendChild(el("span", "agenda-title", r.title));
    li.appendChild(el("span", "badge round-badge", label("RoundStates", "pending")));
    $("agenda").appendChild(li);
  },
};

/** A facilitator's clock button (data-frame: clock.start, clock.pause, ..., room.end). */
export function sendClockFrame(b) {
  const type = b.dataset.frame, data = {};
  if (type === "clock.adjust") data.seconds = parseInt(b.dataset.seconds, 10);
  if (type === "room.end" && !window.confirm(t("ConfirmEnd"))) return;
  send(type, data);
}

export function initClock() {
  setRoundKind(round.kind);
  setInterval(tick, 250);
  tick();
}
