// The check form without reloading: when an item's category, region or purpose changes, fetch the questions for it
// (keeping what was typed) and show the patient-level sections the chosen categories need; "add" shows one more.
"use strict";
const REFRESH = [["category", "category"], ["region", "body_region"], ["purpose", "purpose.category"],
                 ["purpose_region", "purpose.body_region"]];
document.addEventListener("change", async (event) => {
  const box = event.target.closest("[data-item]");
  if (!box || !event.target.matches("[data-refresh]")) return;
  const form = event.target.form, n = box.dataset.item, query = new URLSearchParams({item: n});
  for (const [key, name] of REFRESH) {
    const el = form.elements[`items[${n}].${name}`];
    if (el && el.value) query.set(key, el.value);
  }
  const typed = new FormData(form);
  const answer = await fetch(`/check/questions?${query}`, {credentials: "same-origin"});
  if (!answer.ok) return;
  const target = box.querySelector("[data-questions]");
  target.innerHTML = await answer.text();
  for (const el of target.querySelectorAll("input, select")) {
    const was = typed.getAll(el.name);
    if (!was.length) continue;
    if (el.type === "radio" || el.type === "checkbox") el.checked = was.includes(el.value);
    else el.value = was[0];
  }
  const needs = new Set([...form.querySelectorAll("[data-needs]")].filter((e) => !e.closest("[hidden]"))
    .flatMap((e) => e.dataset.needs.split(" ")));
  for (const section of form.querySelectorAll("[data-section]")) section.hidden = !needs.has(section.dataset.section);
});
const nextHidden = (add) => add.matches("[data-add-item]") ? document.querySelector("[data-item][hidden]")
  : document.querySelector(`[data-list="${add.dataset.add}"] > [hidden]`);
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add], [data-add-item]");
  const next = add && nextHidden(add);
  if (!next) return;
  next.hidden = false;
  event.preventDefault();
  if (!nextHidden(add)) add.hidden = true;
});
for (const button of document.querySelectorAll("[data-add][hidden]")) button.hidden = false;
