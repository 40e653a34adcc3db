// The year's grid of figures, typed in as in a spreadsheet:
// - Enter, ArrowDown and ArrowUp move down and up a column (Shift+Enter up); in a note the
//   arrows move only from its first or last line, and Enter writes a new line. Tab goes along
//   the row, as browsers do.
// - Ctrl+S (Cmd+S) saves the form instead of the page.
// - Text pasted from a spreadsheet (entries split by tabs, rows by line breaks) fills the fields
//   below and to the right of the one it is pasted into, in the order the grid shows them.
// - The page opens on the first figure of the stage still to be entered.
// - Buttons above the grid show only the rows still to do.
// Without this script the page still works: Tab goes along each row, and Enter submits nothing
// (the form's first button is disabled).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.grid-form");
  if (!form) return;
  const save = form.querySelector("button[name=save]");
  const rows = [...form.querySelectorAll("tr[id^='row-']")];
  const fieldsOf = row => [...row.querySelectorAll("td.input :is(input:not([type=hidden]), select, textarea)")];
  const grid = rows.map(fieldsOf);
  const place = new Map();
  grid.forEach((fields, r) => fields.forEach((field, c) => place.set(field, [r, c])));
  const shown = r => !rows[r].hidden && !rows[r].parentElement.hidden;

  // --- Moving -----------------------------------------------------------------------------------

  function fieldAt(r, c, step) {
    for (let i = r + step; i >= 0 && i < rows.length; i += step) {
      if (shown(i) && grid[i][c]) return grid[i][c];
    }
    return null;
  }

  function go(field) {
    field.focus();
    if (field.tagName === "INPUT") field.select();
  }

  function onFirstLine(area) {
    return !area.value.slice(0, area.selectionStart).includes("\n");
  }

  function onLastLine(area) {
    return !area.value.slice(area.selectionEnd).includes("\n");
  }

  form.addEventListener("keydown", event => {
    const field = event.target;
    const at = place.get(field);
    if (!at || event.altKey || event.ctrlKey || event.metaKey) return;
    let step = 0;
    if (event.key === "Enter" && field.tagName !== "TEXTAREA") step = event.shiftKey ? -1 : 1;
    else if (event.key === "ArrowDown" && !event.shiftKey) {
      step = field.tagName !== "TEXTAREA" || onLastLine(field) ? 1 : 0;
    } else if (event.key === "ArrowUp" && !event.shiftKey) {
      step = field.tagName !== "TEXTAREA" || onFirstLine(field) ? -1 : 0;
    } else if (field.tagName === "SELECT" && (event.key === "1" || event.key === "0")) {
      // A yes/no figure is typed as 1 or 0, as in the office's sheets.
      event.preventDefault();
      choose(field, event.key);
      return;
    }
    if (!step) return;
    // Enter never submits, and the arrows do not change a yes/no figure: they move.
    event.preventDefault();
    const next = fieldAt(at[0], at[1], step);
    if (next) go(next);
  });

  document.addEventListener("keydown", event => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault(); // the browser's own "save the page as"
      form.requestSubmit(save);
    }
  });

  function changed(field) {
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function choose(select, value) {
    if (select.value === value) return;
    select.value = value;
    changed(select);
  }

  // --- Pasting from a spreadsheet ---------------------------------------------------------------

  // Spreadsheet text: rows split by line breaks (one last break ends the text), entries by tabs;
  // an entry holding a tab, a line break or a quote comes in quotes, its quotes doubled.
  function entriesOf(text) {
    const table = [[""]];
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      const row = table[table.length - 1];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { row[row.length - 1] += '"'; i++; }
        else if (ch === '"') quoted = false;
        else row[row.length - 1] += ch;
      } else if (ch === '"' && row[row.length - 1] === "") quoted = true;
      else if (ch === "\t") row.push("");
      else if (ch === "\r" || ch === "\n") {
        if (ch === "\r" && text[i + 1] === "\n") i++;
        table.push([""]);
      } else row[row.length - 1] += ch;
    }
    const last = table[table.length - 1];
    if (last.length === 1 && last[0] === "") table.pop();
    return table;
  }

  const plain = text => text.trim().toLowerCase().replace(/\s+/g, " ");

  // A yes/no entry: its value (1, 0) or the words an option shows ("Đạt", "Chưa đạt", "Duy trì").
  function option(select, text) {
    const wanted = plain(text);
    const found = [...select.options].find(
      o => o.value !== "" && (o.value === wanted || plain(o.text) === wanted)
    );
    return found ? found.value : null;
  }

  // On the document: a browser sends the paste of a list (not editable) to the page's body.
  document.addEventListener("paste", event => {
    const target = place.has(event.target) ? event.target : document.activeElement;
    const at = place.get(target);
    const text = event.clipboardData && event.clipboardData.getData("text/plain");
    if (!at || !text) return;
    const table = entriesOf(text);
    const block = table.length > 1 || (table[0] && table[0].length > 1);
    // One value pastes as usual; so do lines without tabs into a note, which are its lines.
    if (!block || (target.tagName === "TEXTAREA" && !text.includes("\t"))) return;
    event.preventDefault();
    let r = at[0];
    for (const entries of table) {
      while (r < rows.length && !shown(r)) r++;
      if (r >= rows.length) break;
      entries.forEach((entry, offset) => {
        const field = grid[r][at[1] + offset];
        // An empty entry leaves the field as it is, as an import leaves a stored value.
        if (!field || entry.trim() === "") return;
        const td = field.closest("td");
        if (field.tagName === "SELECT") {
          const value = option(field, entry);
          td.classList.toggle("paste-skipped", value === null);
          if (value === null) return;
          choose(field, value);
        } else {
          field.value = field.tagName === "TEXTAREA" ? entry : entry.trim();
          changed(field);
        }
        td.classList.add("pasted");
      });
      r++;
    }
  });

  // --- Showing what is left to do ---------------------------------------------------------------

  // A list shows its first option when the page marks none as chosen.
  const shownFirst = select => Math.max(0, [...select.options].findIndex(o => o.defaultSelected));
  const isChanged = field =>
    field.tagName === "SELECT"
      ? field.selectedIndex !== shownFirst(field)
      : field.value !== field.defaultValue;
  // A row the last save refused holds values typed and not saved.
  const refused = row => row.matches(".conflict-row, .invalid-row, .implausible");
  const tests = {
    all: () => true,
    empty: r => grid[r][0] && grid[r][0].value.trim() === "",
    below: r => rows[r].querySelector(".badge.not_met") !== null,
    changed: r => refused(rows[r]) || grid[r].some(isChanged),
  };
  const filters = document.querySelector(".grid-filters");
  const buttons = filters ? [...filters.querySelectorAll("button[data-show]")] : [];

  function count() {
    for (const button of buttons) {
      const test = tests[button.dataset.show];
      button.querySelector(".count").textContent = `(${rows.filter((_, r) => test(r)).length})`;
    }
  }

  function show(which) {
    const test = tests[which];
    rows.forEach((row, r) => { row.hidden = !test(r); });
    for (const body of form.querySelectorAll("table.grid tbody")) {
      body.hidden = [...body.querySelectorAll("tr[id^='row-']")].every(row => row.hidden);
    }
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.show === which));
    count();
  }

  if (filters) {
    filters.hidden = false;
    filters.addEventListener("click", event => {
      const button = event.target.closest("button[data-show]");
      if (button) show(button.dataset.show);
    });
    count();
  }

  // A field the user changed is marked until the page is saved.
  form.addEventListener("input", event => {
    if (place.has(event.target)) event.target.closest("td").classList.toggle("changed", isChanged(event.target));
  });
  form.addEventListener("change", () => count());

  // --- Where the typing starts ------------------------------------------------------------------

  // A page the last save refused opens on its first refused row; any other on the first figure
  // of the stage still empty (in a year just set up, whose plans are all empty, on the first
  // plan).
  if (document.activeElement === document.body || document.activeElement === null) {
    const firstRefused = rows.findIndex(refused);
    const noPlan = grid.every(fields => !fields[1] || fields[1].value === "");
    const column = noPlan ? 1 : 0;
    const start =
      firstRefused >= 0
        ? grid[firstRefused][0]
        : (grid.find(fields => fields[column] && fields[column].value === "") || [])[column];
    if (start) go(start);
  }
});
