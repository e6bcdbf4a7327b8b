/* The ballot page's helpers: the running total of a participatory budget with its progress bar,
   and the count of a multiple-choice ballot. The server checks everything again; without this
   script the form still works and an over-budget ballot is refused with the reason.
   A native ES module; its strings come from the page's json_script blob (./i18n.js). */

import { t } from "./i18n.js";

const form = document.querySelector("form.ballot");
if (form) start(form);

function start(form) {
  const money = (n) => n.toLocaleString(document.documentElement.lang || "ko");
  const boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="choice"][type="checkbox"]'));

  if (form.dataset.kind === "budget") {
    const budget = parseInt(form.dataset.budget, 10);
    const categoryEl = document.getElementById("category-budgets");
    const categoryBudgets = categoryEl ? JSON.parse(categoryEl.textContent) : {};
    const spentEl = form.querySelector("[data-budget-spent]");
    const barEl = form.querySelector("[data-budget-bar]");
    const leftEl = form.querySelector("[data-budget-left]");
    const refusalEl = form.querySelector("[data-budget-refusal]");
    const cost = (box) => parseInt(box.dataset.cost, 10) || 0;
    const spentIn = (category) => boxes.reduce(
      (sum, b) => sum + (b.checked && (category === undefined || b.dataset.category === category) ? cost(b) : 0), 0);
    const update = () => {
      const spent = spentIn();
      spentEl.textContent = money(spent);
      barEl.style.width = Math.min(100, budget ? (100 * spent) / budget : 0) + "%";
      leftEl.textContent = t("Left", { amount: money(budget - spent) });
      boxes.forEach((b) => {
        if (b.checked) { b.closest(".ballot-option").classList.remove("does-not-fit"); return; }
        const category = b.dataset.category;
        const catLimit = category && categoryBudgets[category];
        const fits = spent + cost(b) <= budget && (!catLimit || spentIn(category) + cost(b) <= catLimit);
        b.closest(".ballot-option").classList.toggle("does-not-fit", !fits);
      });
    };
    boxes.forEach((b) => {
      b.addEventListener("change", () => {
        const spent = spentIn();
        const category = b.dataset.category;
        const catLimit = category && categoryBudgets[category];
        refusalEl.hidden = true;
        if (b.checked && spent > budget) {
          b.checked = false;
          refusalEl.textContent = t("Over", { amount: money(spent - budget) });
          refusalEl.hidden = false;
        } else if (b.checked && catLimit && spentIn(category) > catLimit) {
          b.checked = false;
          refusalEl.textContent = t("CategoryOver", { category: category });
          refusalEl.hidden = false;
        }
        update();
      });
    });
    update();
  } else if (form.dataset.kind === "multiple" && form.dataset.max) {
    const max = parseInt(form.dataset.max, 10);
    const countEl = form.querySelector("[data-choice-count]");
    const updateCount = () => {
      const n = boxes.filter((b) => b.checked).length;
      countEl.textContent = t("Count", { n: n, k: max });
      boxes.forEach((b) => { if (!b.checked) b.disabled = n >= max; });
    };
    boxes.forEach((b) => { b.addEventListener("change", updateCount); });
    updateCount();
  }
}
