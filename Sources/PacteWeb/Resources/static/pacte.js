// Pacte — progressive enhancement only: every page works without this script.
"use strict";

// As the user leaves an amount, quantity, rate or date field, the server (the same parser as on
// submission) says whether it reads the value, and the message appears next to the field.
function checkField(input) {
  const kind = input.dataset.check;
  const value = input.value.trim();
  const errorId = input.id + "-error";
  let error = document.getElementById(errorId);
  const field = input.closest(".field");
  const clear = () => {
    if (error) error.remove();
    input.removeAttribute("aria-invalid");
    if (field) field.classList.remove("has-error");
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== errorId);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" ")); else input.removeAttribute("aria-describedby");
  };
  if (!value) { clear(); return; }
  fetch("/formulaires/verifier?type=" + encodeURIComponent(kind) + "&valeur=" + encodeURIComponent(value),
        { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then((response) => response.ok ? response.json() : null)
    .then((result) => {
      if (!result) return;
      if (result.ok) { clear(); return; }
      if (!error) {
        error = document.createElement("span");
        error.id = errorId;
        error.className = "field-error";
        error.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", error);
      }
      error.textContent = result.message;
      input.setAttribute("aria-invalid", "true");
      if (field) field.classList.add("has-error");
      const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id);
      if (!ids.includes(errorId)) ids.push(errorId);
      input.setAttribute("aria-describedby", ids.join(" "));
    })
    .catch(() => {});
}

// The cost-line form shows only the fields of the chosen pricing.
function syncPricing(select) {
  document.querySelectorAll("[data-pricing]").forEach((group) => {
    const kinds = group.dataset.pricing.split(" ");
    group.hidden = !kinds.includes(select.value);
  });
}

// The share form shows the rate or the amount depending on the kind of share.
function syncShareKind(select) {
  document.querySelectorAll("[data-share-kind]").forEach((group) => {
    group.hidden = !group.dataset.shareKind.split(" ").includes(select.value);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-check]").forEach((input) => {
    input.addEventListener("change", () => checkField(input));
  });
  const pricing = document.querySelector("select[name=pricing]");
  if (pricing) { syncPricing(pricing); pricing.addEventListener("change", () => syncPricing(pricing)); }
  const shareKind = document.querySelector("select[name=kind]");
  if (shareKind) { syncShareKind(shareKind); shareKind.addEventListener("change", () => syncShareKind(shareKind)); }
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // After a failed submission, focus goes to the summary of errors so that it is read first.
  const summary = document.getElementById("erreurs");
  if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
});
