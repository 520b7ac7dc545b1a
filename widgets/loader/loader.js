// TIP Exchange widget loader, version __TIPX_VERSION__.
//
// It defines <tipx-search>, <tipx-country> and <tipx-record>. Each widget is its own
// WebAssembly module with its own wasm-bindgen glue; the loader fetches a widget's two files
// only when such an element is on the page, and for an element further down the page only
// when it comes near the viewport. The server writes into MODULES below every file's name and
// integrity hash, so pinning this file with Subresource Integrity pins all of them.
//
// Each element gets its own open Shadow DOM: the host page's CSS cannot break the widget and
// the widget's CSS cannot leak. When the page's Content-Security-Policy forbids WebAssembly
// (no 'wasm-unsafe-eval'), or when mode="iframe" is set, the same widget runs in an iframe
// served from the API's origin.

const TIPX_VERSION = "__TIPX_VERSION__";
/** Per widget kind: { js, jsIntegrity, wasm, wasmIntegrity }. */
const MODULES = __TIPX_MODULES__;
/** How far below (or above) the viewport an element starts loading. */
const NEAR = "600px";

const BASE = new URL(".", import.meta.url);
const ORIGIN = BASE.origin;
const DEFAULT_API = new URL("/graphql", BASE).href;

/** Attributes each widget reads; changing one updates the widget in place. */
const COMMON = ["lang", "api", "mode"];
const WIDGETS = {
  "tipx-search": {
    kind: "search",
    attrs: ["q", "kind", "country", "region", "form", "sector", "target-group", "pillar",
      "year-from", "year-to", "lock", "page-size"],
    title: "TIP Exchange: search laws, practices and cases",
    height: 900,
  },
  "tipx-country": {
    kind: "country",
    attrs: ["code", "instruments"],
    title: "TIP Exchange: country profile",
    height: 900,
  },
  "tipx-record": {
    kind: "record",
    attrs: ["record"],
    title: "TIP Exchange: record",
    height: 500,
  },
};

const started = {};
let sheet = null;

/** True when this page may compile WebAssembly (its CSP allows it, the browser has it). */
export function wasmAllowed() {
  try {
    // The smallest valid module: the magic number and version.
    new WebAssembly.Module(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
    return true;
  } catch (_) {
    return false;
  }
}

/** Runs a widget's glue (a classic script, so its integrity hash is checked) once. */
function loadGlue(kind, file) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(file.js, BASE).href;
    if (file.jsIntegrity.startsWith("sha")) script.integrity = file.jsIntegrity;
    script.crossOrigin = "anonymous";
    script.onload = () => {
      const glue = self.__tipx && self.__tipx[kind];
      if (glue) resolve(glue);
      else reject(new Error(`${file.js} did not define the widget`));
    };
    script.onerror = () => reject(new Error(`${file.js} could not be loaded`));
    document.head.append(script);
  });
}

/** Loads the widget `kind` once: its glue, then its WebAssembly, both pinned by hash. */
function start(kind) {
  if (!started[kind]) {
    const file = MODULES[kind];
    started[kind] = loadGlue(kind, file).then(async (glue) => {
      const options = { mode: "cors", credentials: "omit" };
      if (file.wasmIntegrity.startsWith("sha")) options.integrity = file.wasmIntegrity;
      await glue({ module_or_path: fetch(new URL(file.wasm, BASE), options) });
      if (!sheet && "adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(glue.stylesheet());
      }
      return glue;
    });
  }
  return started[kind];
}

/** Calls `run` when `el` comes near the viewport (at once where the browser cannot tell). */
const waiting = new WeakMap();
const observer = "IntersectionObserver" in self
  ? new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      const run = waiting.get(entry.target);
      waiting.delete(entry.target);
      if (run) run();
    }
  }, { rootMargin: NEAR })
  : null;

function whenNear(el, run) {
  if (!observer) return run();
  waiting.set(el, run);
  observer.observe(el);
}

function attach(root, css) {
  if (sheet) {
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = css;
    root.append(style);
  }
}

/** The language: the element's or an ancestor's `lang`, else the page's. */
function languageOf(el) {
  const own = el.closest("[lang]");
  return (own && own.getAttribute("lang")) || document.documentElement.lang || "";
}

class TipxElement extends HTMLElement {
  static spec = null;

  static get observedAttributes() {
    return [...COMMON, ...this.spec.attrs];
  }

  #widget = null;
  #frame = null;
  #pending = false;

  #attributes() {
    const spec = this.constructor.spec;
    const out = {};
    for (const name of [...COMMON, ...spec.attrs]) {
      const value = this.getAttribute(name);
      if (value !== null) out[name] = value;
    }
    out.lang = languageOf(this);
    if (!out.api) out.api = DEFAULT_API;
    return out;
  }

  connectedCallback() {
    if (!this.shadowRoot) this.attachShadow({ mode: "open" });
    this.#render();
  }

  disconnectedCallback() {
    if (observer) observer.unobserve(this);
    waiting.delete(this);
    if (this.#widget) {
      this.#widget.destroy();
      this.#widget.free();
      this.#widget = null;
    }
  }

  attributeChangedCallback() {
    if (!this.isConnected || this.#pending) return;
    // Several attributes set in a row make one update.
    this.#pending = true;
    queueMicrotask(() => {
      this.#pending = false;
      if (this.#widget) {
        this.#widget.update(JSON.stringify(this.#attributes()));
      } else if (this.#frame) {
        this.#frame.src = this.#frameUrl();
      }
    });
  }

  #frameUrl() {
    const params = new URLSearchParams({ widget: this.constructor.spec.kind });
    for (const [name, value] of Object.entries(this.#attributes())) {
      if (name !== "mode") params.set(name, value);
    }
    return new URL(`frame.html?${params}`, BASE).href;
  }

  #render() {
    const mode = this.getAttribute("mode");
    if (mode === "iframe" || (mode !== "wasm" && !wasmAllowed())) {
      this.#renderFrame();
      return;
    }
    const container = document.createElement("div");
    this.shadowRoot.replaceChildren(container);
    const kind = this.constructor.spec.kind;
    whenNear(this, () => start(kind)
      .then((glue) => {
        if (!this.isConnected || this.#widget) return;
        attach(this.shadowRoot, glue.stylesheet());
        this.#widget = glue.mount(kind, container, JSON.stringify(this.#attributes()));
        this.dataset.tipxMode = "wasm";
      })
      .catch((error) => {
        console.error(`<${this.localName}>: the widget could not start`, error);
        if (mode === "wasm") {
          container.setAttribute("role", "alert");
          container.textContent = `TIP Exchange: the widget could not start (${error}).`;
        } else {
          this.#renderFrame();
        }
      }));
  }

  #renderFrame() {
    const spec = this.constructor.spec;
    const frame = document.createElement("iframe");
    frame.title = spec.title;
    frame.loading = "lazy";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    // Sizes are set through the CSS object model, which a strict style-src allows.
    frame.style.border = "0";
    frame.style.width = "100%";
    frame.style.height = `${spec.height}px`;
    frame.style.display = "block";
    frame.src = this.#frameUrl();
    this.shadowRoot.replaceChildren(frame);
    this.#frame = frame;
    this.dataset.tipxMode = "iframe";
  }

  /** Resizes the iframe to its content, as the frame reports it. */
  resizeFrame(source, height) {
    if (this.#frame && this.#frame.contentWindow === source && Number.isFinite(height)) {
      this.#frame.style.height = `${Math.max(100, Math.min(Math.ceil(height), 20000))}px`;
    }
  }
}

function define(tag, spec) {
  if (customElements.get(tag)) return;
  customElements.define(tag, class extends TipxElement {
    static spec = spec;
  });
}

for (const [tag, spec] of Object.entries(WIDGETS)) define(tag, spec);

window.addEventListener("message", (event) => {
  if (event.origin !== ORIGIN || !event.data || event.data.tipx !== "height") return;
  for (const tag of Object.keys(WIDGETS)) {
    for (const el of document.querySelectorAll(tag)) el.resizeFrame(event.source, Number(event.data.height));
  }
});

/** In frame.html: build the element from the query string and report its height. */
function bootFrame() {
  const params = new URLSearchParams(location.search);
  const kind = params.get("widget");
  const tag = `tipx-${kind}`;
  if (!WIDGETS[tag]) {
    document.body.textContent = `TIP Exchange: no widget called '${kind}'.`;
    return;
  }
  const el = document.createElement(tag);
  for (const name of [...COMMON, ...WIDGETS[tag].attrs]) {
    const value = params.get(name);
    if (value !== null && name !== "mode") el.setAttribute(name, value);
  }
  if (params.get("lang")) document.documentElement.lang = params.get("lang");
  el.setAttribute("mode", "wasm");
  document.body.append(el);
  const report = () => parent.postMessage({ tipx: "height", height: document.documentElement.scrollHeight }, "*");
  new ResizeObserver(report).observe(document.body);
}

if (document.body && document.body.hasAttribute("data-tipx-frame")) bootFrame();

export const version = TIPX_VERSION;
