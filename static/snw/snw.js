/*
 * Progressive enhancement for the Samen Nieuw-West portal. Every page works without this file.
 * Loaded with `defer` from base.html; the CSP allows scripts from 'self' only, so no inline scripts.
 */
(function () {
  "use strict";

  // Move focus to an error summary after a failed submit, so screen reader and keyboard users
  // land on the list of errors (WCAG 3.3.1). The summary has tabindex="-1".
  function focusErrorSummary() {
    var summary = document.querySelector("[data-snw-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // Links in the error summary move focus to the field itself, not only scroll to it.
  function wireErrorLinks() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-snw-error-summary] a[href^='#']");
      if (!link) {
        return;
      }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
      }
    });
  }

  // After htmx swaps content in, announce nothing new but make sure the swapped region can take
  // focus when it asks for it (data-snw-focus-after-swap).
  function wireHtmx() {
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail && event.detail.target;
      if (target && target.hasAttribute("data-snw-focus-after-swap")) {
        target.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    wireErrorLinks();
    wireHtmx();
  });
})();
