// The year's grid of figures: Tab and Shift+Tab move down and up a column (plan, then the
// stage's actual, then reason and note), Enter in a number moves down like Tab. Without this
// script the page still works: Tab goes along each row, and Enter submits nothing (the form's
// first button is disabled).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.grid-form");
  if (!form) return;
  const columns = ["plan", "actual_half", "actual_estimate", "actual", "reason", "note"];
  const column = field => field.name ? field.name.split("-").pop() : "";
  const order = () =>
    columns.flatMap(name =>
      [...form.querySelectorAll("input:not([type=hidden]), select, textarea")].filter(
        field => column(field) === name
      )
    );

  form.addEventListener("keydown", event => {
    const field = event.target;
    if (!columns.includes(column(field)) || event.altKey || event.ctrlKey || event.metaKey) return;
    const enter = event.key === "Enter" && field.tagName === "INPUT";
    if (event.key !== "Tab" && !enter) return;
    const fields = order();
    const next = fields[fields.indexOf(field) + (event.shiftKey ? -1 : 1)];
    if (!next) return; // past the first or last field: leave the grid as usual
    event.preventDefault();
    next.focus();
    if (next.tagName === "INPUT") next.select();
  });
});
