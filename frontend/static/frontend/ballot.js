// The ballot page's helpers: the running total of a participatory budget with its progress bar,
// and the count of a multiple-choice ballot. The server checks everything again; without this
// script the form still works and an over-budget ballot is refused with the reason.
(function () {
  "use strict";
  var form = document.querySelector("form.ballot");
  if (!form) return;
  var strings = document.getElementById("ballot-strings");
  var format = function (template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
  };
  var money = function (n) { return n.toLocaleString(document.documentElement.lang || "ko"); };
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="choice"][type="checkbox"]'));

  if (form.dataset.kind === "budget") {
    var budget = parseInt(form.dataset.budget, 10);
    var categoryEl = document.getElementById("category-budgets");
    var categoryBudgets = categoryEl ? JSON.parse(categoryEl.textContent) : {};
    var spentEl = form.querySelector("[data-budget-spent]");
    var barEl = form.querySelector("[data-budget-bar]");
    var leftEl = form.querySelector("[data-budget-left]");
    var refusalEl = form.querySelector("[data-budget-refusal]");
    var cost = function (box) { return parseInt(box.dataset.cost, 10) || 0; };
    var spentIn = function (category) {
      return boxes.reduce(function (sum, b) {
        return sum + (b.checked && (category === undefined || b.dataset.category === category) ? cost(b) : 0);
      }, 0);
    };
    var update = function () {
      var spent = spentIn();
      spentEl.textContent = money(spent);
      barEl.style.width = Math.min(100, budget ? (100 * spent) / budget : 0) + "%";
      leftEl.textContent = format(strings.dataset.left, { amount: money(budget - spent) });
      boxes.forEach(function (b) {
        if (b.checked) { b.closest(".ballot-option").classList.remove("does-not-fit"); return; }
        var category = b.dataset.category;
        var catLimit = category && categoryBudgets[category];
        var fits = spent + cost(b) <= budget && (!catLimit || spentIn(category) + cost(b) <= catLimit);
        b.closest(".ballot-option").classList.toggle("does-not-fit", !fits);
      });
    };
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        var spent = spentIn();
        var category = b.dataset.category;
        var catLimit = category && categoryBudgets[category];
        refusalEl.hidden = true;
        if (b.checked && spent > budget) {
          b.checked = false;
          refusalEl.textContent = format(strings.dataset.over, { amount: money(spent - budget) });
          refusalEl.hidden = false;
        } else if (b.checked && catLimit && spentIn(category) > catLimit) {
          b.checked = false;
          refusalEl.textContent = format(strings.dataset.categoryOver, { category: category });
          refusalEl.hidden = false;
        }
        update();
      });
    });
    update();
  } else if (form.dataset.kind === "multiple" && form.dataset.max) {
    var max = parseInt(form.dataset.max, 10);
    var countEl = form.querySelector("[data-choice-count]");
    var updateCount = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      countEl.textContent = format(strings.dataset.count, { n: n, k: max });
      boxes.forEach(function (b) { if (!b.checked) b.disabled = n >= max; });
    };
    boxes.forEach(function (b) { b.addEventListener("change", updateCount); });
    updateCount();
  }
})();
