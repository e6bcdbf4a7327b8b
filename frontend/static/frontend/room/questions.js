/* Questions in a Q&A round: replaced whole by every questions.updated. Which questions I upvoted is
   kept in this browser (store "votes") and follows the server's word when a frame carries it. */

import { t } from "../i18n.js";
import { $, me, el, clear, button, send, store, capitalized } from "./common.js";
import { isThisRound, onNewRound } from "./clock.js";
import { news } from "./tabs.js";

const myVotes = store("votes") || [];
let pendingVote = null;  // the question of the last vote or unvote sent, until the server answers

export function applyQuestions(items) {
  const list = $("question-list");
  clear(list);
  (items || []).forEach((q) => {
    if (q.voted !== undefined) setVoted(q.id, q.voted);  // the server's word, when a frame carries it
    const li = el("li", "question question-" + q.state), voted = myVotes.indexOf(q.id) >= 0;
    li.dataset.questionId = q.id;
    const votes = el("span", "question-votes", String(q.votes));
    votes.setAttribute("aria-label", t("Votes", { n: q.votes }));
    li.appendChild(votes);
    const text = el("div", "question-text");
    text.appendChild(el("p", "question-body", q.body));
    const meta = el("p", "small meta", q.author);
    if (q.state !== "open") meta.appendChild(el("span", "badge", t("Q" + capitalized(q.state))));
    text.appendChild(meta);
    const tools = el("div", "question-tools");
    if (!me.isFacilitator && q.author_id !== me.id && q.state === "open") {
      const vote = button(voted ? t("Unvote") : t("Upvote"), voted ? "question.unvote" : "question.vote", { questionId: q.id });
      vote.setAttribute("aria-pressed", voted ? "true" : "false");
      tools.appendChild(vote);
    }
    if (me.isFacilitator) {
      if (q.state === "open") tools.appendChild(button(t("MarkAnswering"), "question.mark", { questionId: q.id, state: "answering" }));
      if (q.state !== "answered") tools.appendChild(button(t("MarkAnswered"), "question.mark", { questionId: q.id, state: "answered" }));
      tools.appendChild(button(t("Hide"), "question.mark", { questionId: q.id, state: "hidden" }, "danger"));
    }
    text.appendChild(tools);
    li.appendChild(text);
    list.appendChild(li);
  });
  if (!list.firstChild) list.appendChild(el("li", "empty", t("NoQuestions")));
}
function setVoted(questionId, on) {
  const at = myVotes.indexOf(questionId);
  if (on && at < 0) myVotes.push(questionId);
  if (!on && at >= 0) myVotes.splice(at, 1);
  store("votes", myVotes);
}
/** An error frame: the local record of votes follows the server. */
export function questionRefused(code) {
  if (!pendingVote) return;
  if (code === "already_voted") setVoted(pendingVote, true);
  if (code === "no_vote") setVoted(pendingVote, false);
  pendingVote = null;
}

export const handlers = {
  "questions.updated": (type, data) => {
    if (isThisRound(data.round_id)) applyQuestions(data.questions);
    news("questions");
  },
};

export const actions = {
  "question.vote": (b) => {
    pendingVote = +b.dataset.questionId;
    if (send("question.vote", { question_id: pendingVote })) setVoted(pendingVote, true);
  },
  "question.unvote": (b) => {
    pendingVote = +b.dataset.questionId;
    if (send("question.unvote", { question_id: pendingVote })) setVoted(pendingVote, false);
  },
  "question.mark": (b) => {
    const data = { question_id: +b.dataset.questionId, state: b.dataset.state };
    if (data.state === "hidden") {
      const reason = window.prompt(t("ReasonQuestion"));
      if (!reason || !reason.trim()) return;
      data.reason = reason.trim();
    }
    send("question.mark", data);
  },
};

export function initQuestions() {
  onNewRound(() => applyQuestions([]));
  const form = $("question-form");
  if (form) form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("question-body"), body = input.value.trim();
    if (body && send("question.ask", { body: body })) input.value = "";
  });
}
