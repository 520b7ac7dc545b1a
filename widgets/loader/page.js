// Starts the contributor or moderator page (/contribute, /review). The page names this
// version's portal module and its integrity hash on <body>; the module's glue is loaded
// before this script (both pinned by hash), then its WebAssembly is fetched and started.
(async () => {
  const body = document.body;
  const app = document.getElementById("tipx-app");
  try {
    const glue = self.__tipx && self.__tipx.portal;
    if (!glue) throw new Error("the portal module did not load");
    const options = { credentials: "same-origin" };
    if (body.dataset.wasmIntegrity) options.integrity = body.dataset.wasmIntegrity;
    await glue({ module_or_path: fetch(body.dataset.wasm, options) });
    const lang = new URLSearchParams(location.search).get("lang") || navigator.language || "en";
    app.textContent = "";
    glue.start_page(body.dataset.page, app, lang);
  } catch (e) {
    app.textContent = `The page could not start: ${e.message}`;
  }
})();
