/* The live poll: one open (or just closed) poll at a time; my answer is kept in this browser
   (store "poll<id>"). The facilitator's form opens one, and is cleared once it has opened. */

import { t } from "../i18n.js";
import { $, me, setText, el, clear, button, send, store, status, isOpen } from "./common.js";
import { onTick, tick, untilServer, format } from "./clock.js";
import { news } from "./tabs.js";

const poll = { current: null, counts: [], total: 0, closesAt: null, offset: 0 };
let pendingPoll = null;  // the question of the poll this facilitator just asked to open

function pollLabels(p) { return p.kind === "scale" ? ["1", "2", "3", "4", "5"] : p.options; }

export function openPoll(data) {
  if (pendingPoll !== null && data.poll.question === pendingPoll && $("poll-form")) {
    $("poll-form").reset();
    $("poll-new").open = false;
    showPollFields();
    pendingPoll = null;
  }
  poll.current = data.poll;
  poll.counts = pollLabels(data.poll).map(() => 0);
  poll.total = 0;
  poll.closesAt = Date.parse(data.closes_at);
  poll.offset = Date.parse(data.server_time) - Date.now();
  renderPoll();
  news("poll");
}
function renderPoll() {
  const area = $("poll-area"), p = poll.current;
  clear(area);
  if (!p) { area.appendChild(el("p", "empty", t("NoPoll"))); return; }
  const open = p.state === "open", mine = store("poll" + p.id) || [];
  area.appendChild(el("h3", "poll-question", p.question));
  if (open) area.appendChild(el("p", "small poll-closes", "")).id = "poll-closes";
  else area.appendChild(el("p", "poll-closed-note", t("PollClosed")));
  if (open && !me.isFacilitator) area.appendChild(answerForm(p, mine));
  area.appendChild(resultBars(p));
  if (open && me.isFacilitator) {
    const close = button(t("PollClose"), "poll.close", { pollId: p.id }, "danger");
    close.classList.remove("small");
    area.appendChild(close);
  }
  tick();
}
function answerForm(p, mine) {
  const form = el("form", "poll-answer"), fieldset = el("fieldset"), labels = pollLabels(p);
  const multiple = p.kind === "multiple", max = p.max_choices || labels.length;
  form.id = "poll-answer";
  fieldset.appendChild(el("legend", "visually-hidden", p.question));
  if (multiple) fieldset.appendChild(el("p", "helptext", t("PollMax", { n: max })));
  if (p.kind === "scale") fieldset.appendChild(el("p", "helptext", t("ScaleLow") + " · " + t("ScaleHigh")));
  labels.forEach((text, index) => {
    const value = p.kind === "scale" ? index + 1 : index;
    const row = el("label", "poll-choice" + (p.kind === "scale" ? " scale" : ""));
    const input = el("input");
    input.type = multiple ? "checkbox" : "radio";
    input.name = "choice";
    input.value = value;
    input.checked = mine.indexOf(value) >= 0;
    row.appendChild(input);
    row.appendChild(el("span", "", text));
    fieldset.appendChild(row);
  });
  form.appendChild(fieldset);
  const submit = el("button", "button primary needs-socket", mine.length ? t("PollChange") : t("PollAnswer"));
  submit.type = "submit";
  submit.disabled = !isOpen();
  form.appendChild(submit);
  if (mine.length) form.appendChild(el("p", "small poll-answered", t("PollAnswered")));
  form.addEventListener("change", () => {  // multiple: no more than max_choices ticked
    if (!multiple) return;
    const boxes = form.querySelectorAll("input"), ticked = form.querySelectorAll("input:checked").length;
    for (let i = 0; i < boxes.length; i++) boxes[i].disabled = !boxes[i].checked && ticked >= max;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = Array.prototype.map.call(form.querySelectorAll("input:checked"), (i) => parseInt(i.value, 10));
    if (!picked.length) return;
    if (send("poll.answer", { poll_id: p.id, choices: picked })) {
      store("poll" + p.id, picked);
      renderPoll();
      status(t("PollAnswered"));
    }
  });
  return form;
}
/** A count's share of the people who answered, in whole percent (a multiple-choice poll's shares add up to
    more than 100: each is the share of people who chose that option). */
export function share(count, total) { return total ? Math.round(100 * count / total) : 0; }
function resultBars(p) {
  const box = el("div", "poll-results"), list = el("ol", "plain-list bars"), labels = pollLabels(p);
  labels.forEach((text, index) => {
    const count = poll.counts[index] || 0, li = el("li", "bar-row"), percent = share(count, poll.total);
    const head = el("div", "bar-head"), figures = el("span", "bar-figures");
    head.appendChild(el("span", "bar-label", text));
    figures.appendChild(el("span", "bar-count", String(count)));
    figures.appendChild(document.createTextNode(" "));
    figures.appendChild(el("span", "bar-percent", percent + "%"));
    head.appendChild(figures);
    // the bar's width is the share of all answers (not of the largest option): the text says the same
    const track = el("div", "progress"), fill = el("div", "progress-fill");
    track.setAttribute("aria-hidden", "true");
    fill.style.width = percent + "%";
    track.appendChild(fill);
    li.appendChild(head);
    li.appendChild(track);
    list.appendChild(li);
  });
  box.appendChild(list);
  const total = el("p", "small poll-total", t("PollAnswers", { n: poll.total }));
  total.id = "poll-total";
  total.setAttribute("aria-live", "polite");
  box.appendChild(total);
  return box;
}
export function pollResults(data, closed) {
  if (!poll.current || poll.current.id !== data.poll_id) return;
  poll.counts = data.counts;
  poll.total = data.total;
  if (closed) poll.current.state = "closed";
  const bars = document.querySelector("#poll-area .poll-results");
  if (closed || !bars) renderPoll();
  else bars.parentNode.replaceChild(resultBars(poll.current), bars);  // a half-ticked answer stays as it is
  news("poll");
}
/** The poll in the hello (with my answer, the counts so far), when the snapshot has one. */
export function applyPollSnapshot(snapshot, serverTime) {
  openPoll({ poll: snapshot.poll, closes_at: snapshot.closes_at, server_time: serverTime });
  if (snapshot.your_choices) store("poll" + snapshot.poll.id, snapshot.your_choices);
  pollResults({ poll_id: snapshot.poll.id, counts: snapshot.counts, total: snapshot.total },
              snapshot.poll.state === "closed");
}
/** An error frame: the poll form keeps what the facilitator typed. */
export function pollRefused() { pendingPoll = null; }
function tickPoll() {
  if (poll.current && poll.current.state === "open") {
    setText($("poll-closes"), t("PollCloses", { time: format(untilServer(poll.closesAt, poll.offset)) }));
  }
}
function showPollFields() {
  if (!$("poll-kind")) return;
  const kind = $("poll-kind").value;
  $("poll-options-field").hidden = kind === "scale";
  $("poll-max-field").hidden = kind !== "multiple";
}

export const handlers = {
  "poll.opened": (type, data) => { openPoll(data); },
  "poll.results": (type, data) => { pollResults(data, false); },
  "poll.closed": (type, data) => { pollResults(data, true); },
};

export const actions = {
  "poll.close": (b) => { send("poll.close", { poll_id: +b.dataset.pollId }); },
};

export function initPolls() {
  onTick(tickPoll);
  const form = $("poll-form");
  if (form) form.addEventListener("submit", (event) => {
    event.preventDefault();
    const kind = $("poll-kind").value;
    const data = { question: $("poll-question").value.trim(), kind: kind,
                   duration_seconds: parseInt($("poll-duration").value, 10) || 60 };
    if (kind !== "scale") {
      data.options = $("poll-options").value.split("\n").map((s) => s.trim()).filter((s) => s);
    }
    if (kind === "multiple" && $("poll-max").value) data.max_choices = parseInt($("poll-max").value, 10);
    if (data.question && send("poll.open", data)) pendingPoll = data.question;  // the form clears when it opens
  });
  if ($("poll-kind")) $("poll-kind").addEventListener("change", showPollFields);
}
