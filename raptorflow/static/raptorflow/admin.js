// The console's small behaviours (templates/admin/base_site.html loads this on every admin page).
// A "Copy" button in a JSON block (raptorflow.admin_tools.json_block) copies the block's text.
"use strict";
document.addEventListener("click", (event) => {
    const button = event.target.closest("button.json-copy");
    if (!button) return;
    const text = button.parentElement.querySelector("pre").textContent;
    navigator.clipboard.writeText(text).then(
        () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 1500); },
        () => { button.textContent = "Select the text to copy"; },
    );
});
