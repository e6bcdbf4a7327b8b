/* The speaking queue (replaced whole by every queue.updated), the facilitator's invitation to speak,
   a fair floor (live turns and chat share on the page-load figures) and the vote to move on. */

import { t } from "../i18n.js";
import { $, root, me, setText, el, clear, button, status, notice, send } from "./common.js";
import { onTick, onNewRound, tick, untilServer, format, announce, isThisRound } from "./clock.js";
import { news } from "./tabs.js";

const queue = { entries: [], turnDeadline: null, offset: 0, seenTurns: {} };

export function applyQueue(entries, serverTime) {
  queue.entries = entries || [];
  queue.offset = serverTime ? Date.parse(serverTime) - Date.now() : 0;
  const list = $("queue-list");
  let speaker = null, myPlace = 0, waiting = 0;
  clear(list);
  queue.entries.forEach((entry) => {
    const li = el("li", "queue-" + entry.state), isMe = entry.user_id === me.id;
    li.dataset.userId = entry.user_id;
    if (entry.state === "speaking") {
      speaker = entry;
      if (!queue.seenTurns[entry.hand_id]) { queue.seenTurns[entry.hand_id] = true; countTurn(entry.user_id); }
    } else {
      waiting += 1;
      if (isMe) myPlace = waiting;
    }
    li.appendChild(el("span", "queue-name", entry.name + (isMe ? " " + t("You") : "")));
    li.appendChild(el("span", "badge", entry.state === "speaking" ? t("Speaking") : t("WaitingHand")));
    if (entry.state === "speaking") li.appendChild(el("span", "turn-clock", ""));
    if (me.isFacilitator) {
      const tools = el("span", "queue-tools");
      if (entry.state === "waiting") tools.appendChild(button(t("GiveFloor"), "queue.give_floor", { userId: entry.user_id }));
      tools.appendChild(button(t("LowerHand"), "queue.lower", { userId: entry.user_id }));
      li.appendChild(tools);
    }
    list.appendChild(li);
  });
  if (!queue.entries.length) list.appendChild(el("li", "empty", t("QueueEmpty")));
  queue.turnDeadline = speaker && speaker.turn_deadline ? Date.parse(speaker.turn_deadline) : null;
  $("speaker-line").hidden = !speaker;
  setText($("speaker-name"), speaker ? t("NowSpeaking", { name: speaker.name }) : "");
  if (!speaker) setText($("turn-clock"), "");
  const mineSpeaking = speaker && speaker.user_id === me.id, mineRaised = mineSpeaking || myPlace > 0;
  root.classList.toggle("i-have-floor", !!mineSpeaking);
  setText($("queue-me"), mineSpeaking ? t("YourFloor") : (myPlace ? t("YourPlace", { n: myPlace }) : ""));
  if (mineRaised) delete $("my-notice").dataset.kind;  // an invitation is answered by raising a hand
  if (mineSpeaking) notice(t("YourFloor"));
  else if ($("my-notice").dataset.kind !== "invited" && !me.muted) notice("");
  if ($("raise-hand")) {
    $("raise-hand").hidden = mineRaised || me.observer;
    $("lower-hand").hidden = !myPlace;
    $("end-my-turn").hidden = !mineSpeaking;
  }
  tick();
  news("queue");
}
function tickTurn() {  // the turn's clock, beside the speaker and in the queue
  if (queue.turnDeadline === null) return;
  const turnLeft = untilServer(queue.turnDeadline, queue.offset), turn = format(turnLeft);
  if (root.classList.contains("i-have-floor") && turnLeft > 0 && turnLeft <= 30) {
    announce("turn" + queue.turnDeadline, t("TurnEnding"));
  }
  setText($("turn-clock"), turn);
  const mine = document.querySelector("#queue-list .turn-clock");
  if (mine) setText(mine, turn);
}

/* --- a fair floor --- */
function statRow(userId) { return document.querySelector('#floor-stats tr[data-user-id="' + userId + '"]'); }
function countTurn(userId) {
  const row = statRow(userId);
  if (!row) return;
  row.dataset.turns = (parseInt(row.dataset.turns, 10) || 0) + 1;
  setText(row.querySelector(".stat-turns"), row.dataset.turns);
}
export function countMessage(userId) {
  const row = statRow(userId);
  if (!row) return;
  row.dataset.messages = (parseInt(row.dataset.messages, 10) || 0) + 1;
  const rows = document.querySelectorAll("#floor-stats tbody tr");
  let total = 0;
  for (let i = 0; i < rows.length; i++) total += parseInt(rows[i].dataset.messages, 10) || 0;
  for (let i = 0; i < rows.length; i++) {
    const share = total ? Math.round(1000 * (parseInt(rows[i].dataset.messages, 10) || 0) / total) / 10 : 0;
    setText(rows[i].querySelector(".stat-share"), share + "%");
  }
}

/* --- moving on --- */
export function resetMoveOn() {
  setText($("move-on-count"), me.isFacilitator ? "–" : "");
  if ($("move-on")) $("move-on").removeAttribute("aria-pressed");
}
function moveOnUpdated(type, data) {
  if (!isThisRound(data.round_id)) return;
  setText($("move-on-count"), t("MoveOnCount", { votes: data.votes, needed: data.needed }));
}
export { moveOnUpdated as applyMoveOn };

export const handlers = {
  "queue.updated": (type, data) => { applyQueue(data.queue, data.server_time); },
  "floor.invited": (type, data) => {
    if (data.user_id === me.id) {
      $("my-notice").dataset.kind = "invited";
      notice(t("Invited"));
    } else if (me.isFacilitator) {
      status(t("InviteSent", { name: data.name }));
    }
  },
  "move_on.updated": moveOnUpdated,
};

const withUser = (b) => (b.dataset.userId ? { user_id: +b.dataset.userId } : {});
export const actions = {
  "queue.raise": () => { send("queue.raise"); },
  "queue.lower": (b) => { send("queue.lower", withUser(b)); },
  "queue.give_floor": (b) => { send("queue.give_floor", withUser(b)); },
  "queue.end_turn": () => { send("queue.end_turn"); },
  "move_on.vote": (b) => {
    if (send("move_on.vote")) { b.setAttribute("aria-pressed", "true"); status(t("MoveOnSent")); }
  },
  "floor.invite": (b) => { send("floor.invite", { user_id: +b.dataset.userId }); },
};

function forgetInvitation() {  // a new round: an invitation to speak in the last one lapses
  if ($("my-notice").dataset.kind !== "invited") return;
  delete $("my-notice").dataset.kind;
  notice(me.muted ? t("MutedYou") : "");
}

export function initQueue() {
  onTick(tickTurn);
  onNewRound(resetMoveOn);
  onNewRound(forgetInvitation);
}
