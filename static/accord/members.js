// The members page: the project's members with their role and, where the
// caller may see them, the work each holds (annotator sets assigned, in
// progress, submitted, last activity). Owners add an existing user by
// username or e-mail, change a role in place and remove a member after a
// confirmation that says how many unsubmitted sets go back to the pool; staff
// owners also create accounts and get a one-time password link to hand on.
// Everything goes through the members API; text via textContent only.

import { Api, errorText, fieldErrors } from "./api.js";
import { el } from "./dom.js";

const config = JSON.parse(document.getElementById("accord-config").textContent);
const api = new Api(config.api);
const $ = (id) => document.getElementById(id);
const roleLabel = new Map(config.roles.map((r) => [r.value, r.label]));
let members = [];

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function say(text, isError = false) {
  const status = $("members-status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// ------------------------------------------------------------------ the table

function roleCell(member) {
  if (!config.canManage) {
    return el("td", {}, el("span", { class: `role role-${member.role}`, text: roleLabel.get(member.role) }));
  }
  const select = el(
    "select",
    {
      "aria-label": `Role of ${member.username}`,
      "aria-describedby": `role-error-${member.id}`,
      dataset: { member: member.id },
      on: { change: (event) => changeRole(member, event.target) },
    },
    ...config.roles.map((r) => el("option", { value: r.value, text: r.label, selected: r.value === member.role })),
  );
  return el("td", {}, select, el("p", { class: "row-error", id: `role-error-${member.id}`, hidden: true }));
}

function row(member) {
  const you = member.username === config.user;
  const cells = [
    el("th", { scope: "row" }, member.username, you && el("span", { class: "muted small", text: " (you)" })),
    roleCell(member),
  ];
  if (!config.countsHidden) {
    cells.push(
      el("td", { class: "num", text: String(member.assigned ?? "—") }),
      el("td", { class: "num", text: String(member.in_progress ?? "—") }),
      el("td", { class: "num", text: String(member.submitted ?? "—") }),
      el("td", { text: when(member.last_activity) }),
    );
  }
  if (config.canManage) {
    cells.push(
      el(
        "td",
        {},
        el("button", {
          type: "button",
          class: "remove",
          text: "Remove",
          "aria-label": `Remove ${member.username}`,
          on: { click: () => askRemove(member) },
        }),
      ),
    );
  }
  return el("tr", { dataset: { username: member.username } }, ...cells);
}

function render() {
  const columns = 2 + (config.countsHidden ? 0 : 4) + (config.canManage ? 1 : 0);
  const rows = members.length
    ? members.map(row)
    : [el("tr", {}, el("td", { colspan: columns, class: "muted", text: "No members." }))];
  $("member-rows").replaceChildren(...rows);
}

async function load() {
  const page = await api.members.list();
  members = page.results;
  render();
}

// ------------------------------------------------------------------ changing a role

async function changeRole(member, select) {
  const slot = $(`role-error-${member.id}`);
  slot.hidden = true;
  select.removeAttribute("aria-invalid");
  try {
    const updated = await api.members.update(member.id, { role: select.value });
    Object.assign(member, updated);
    say(`${member.username} is now ${roleLabel.get(updated.role).toLowerCase()}.`);
  } catch (error) {
    select.value = member.role;
    select.setAttribute("aria-invalid", "true");
    slot.textContent = fieldErrors(error).role || errorText(error);
    slot.hidden = false;
    say(`The role of ${member.username} did not change.`, true);
  }
}

// ------------------------------------------------------------------ removing

let removing = null;

function askRemove(member) {
  removing = member;
  const open = member.in_progress;
  let consequence;
  if (open === null || open === undefined) consequence = "Their unsubmitted sets go back to the pool; submitted ones stay.";
  else if (open === 0) consequence = "They have no unsubmitted sets; their submitted sets stay.";
  else {
    consequence = `Their ${plural(open, "unsubmitted set is", "unsubmitted sets are")} released: the documents go back to the pool for other annotators. Submitted sets stay.`;
  }
  $("remove-summary").textContent = `Remove ${member.username} from the project? ${consequence}`;
  $("remove-error").hidden = true;
  $("remove-confirm").disabled = false;
  $("remove-dialog").showModal();
  $("remove-cancel").focus();
}

$("remove-cancel")?.addEventListener("click", () => $("remove-dialog").close());

$("remove-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const member = removing;
  $("remove-confirm").disabled = true;
  try {
    await api.members.delete(member.id);
    $("remove-dialog").close();
    const open = member.in_progress;
    const released = open ? ` ${plural(open, "unsubmitted set was", "unsubmitted sets were")} released.` : "";
    say(`Removed ${member.username}.${released}`);
    await load();
  } catch (error) {
    const slot = $("remove-error");
    slot.textContent = fieldErrors(error).role || errorText(error);
    slot.hidden = false;
  }
});

// ------------------------------------------------------------------ forms

function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

// `slots`: API field -> [error slot id, input id]; the first slot takes what names no field.
function showErrors(form, error, slots) {
  clearErrors(form);
  const errors = fieldErrors(error);
  let first = null;
  for (const [field, [slotId, inputId]] of Object.entries(slots)) {
    if (!errors[field]) continue;
    $(slotId).textContent = errors[field];
    $(slotId).hidden = false;
    $(inputId).setAttribute("aria-invalid", "true");
    first = first || $(inputId);
  }
  if (!first) {
    const [slotId, inputId] = Object.values(slots)[0];
    $(slotId).textContent = errorText(error);
    $(slotId).hidden = false;
    first = $(inputId);
  }
  first.focus();
}

$("add-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const text = $("add-who").value.trim();
  const who = text.includes("@") ? { email: text } : { username: text };
  const slots = {
    username: ["add-who-error", "add-who"],
    email: ["add-who-error", "add-who"],
    role: ["add-role-error", "add-role"],
  };
  if (!text) {
    clearErrors(form);
    $("add-who-error").textContent = "Give a username or an e-mail address.";
    $("add-who-error").hidden = false;
    $("add-who").setAttribute("aria-invalid", "true");
    $("add-who").focus();
    return;
  }
  try {
    const member = await api.members.create(who, $("add-role").value);
    clearErrors(form);
    form.reset();
    say(`Added ${member.username} as ${roleLabel.get(member.role).toLowerCase()}.`);
    await load();
  } catch (error) {
    showErrors(form, error, slots);
  }
});

$("account-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const slots = {
    username: ["acc-username-error", "acc-username"],
    email: ["acc-email-error", "acc-email"],
    role: ["acc-role-error", "acc-role"],
  };
  try {
    const answer = await api.members.createAccount({
      username: $("acc-username").value.trim(),
      email: $("acc-email").value.trim(),
      role: $("acc-role").value,
    });
    clearErrors(form);
    form.reset();
    $("acc-link-user").textContent = answer.member.username;
    $("acc-link").value = answer.password_link;
    $("acc-link-note").textContent = `Give this link to ${answer.member.username}: it works once, until ${when(answer.expires_at)}. It is not shown again.`;
    $("account-link").hidden = false;
    $("acc-link").focus();
    $("acc-link").select();
    say(`Created ${answer.member.username} and added them as ${roleLabel.get(answer.member.role).toLowerCase()}.`);
    await load();
  } catch (error) {
    showErrors(form, error, slots);
  }
});

$("acc-copy")?.addEventListener("click", async () => {
  const input = $("acc-link");
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    $("acc-copy").textContent = "Copied";
  } catch {
    $("acc-copy").textContent = "Press Ctrl+C";
  }
});

try {
  await load();
} catch (error) {
  say(errorText(error), true);
}
document.body.dataset.ready = "true";
