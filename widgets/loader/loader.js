// TIP Exchange widget loader, version __TIPX_VERSION__.
//
// In the published tipx.js this file follows wasm-bindgen's glue (which defines
// `wasm_bindgen`), so one file carries all the JavaScript and can be pinned with Subresource
// Integrity; the WebAssembly it fetches is pinned by the hash below.
//
// It defines <tipx-search>, <tipx-country> and <tipx-record>. Each element gets its own open
// Shadow DOM: the host page's CSS cannot break the widget and the widget's CSS cannot leak.
// When the page's Content-Security-Policy forbids WebAssembly (no 'wasm-unsafe-eval'), or
// when mode="iframe" is set, the same widget runs in an iframe served from the API's origin.

const TIPX_VERSION = "__TIPX_VERSION__";
const WASM_FILE = "__TIPX_WASM_FILE__";
const WASM_INTEGRITY = "__TIPX_WASM_INTEGRITY__";

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

let started = null;
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

function start() {
  if (!started) {
    const url = new URL(WASM_FILE, BASE);
    const options = { mode: "cors", credentials: "omit" };
    if (WASM_INTEGRITY.startsWith("sha")) options.integrity = WASM_INTEGRITY;
    started = wasm_bindgen({ module_or_path: fetch(url, options) }).then(() => {
      if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(wasm_bindgen.stylesheet());
      }
    });
  }
  return started;
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
    start()
      .then(() => {
        if (!this.isConnected || this.#widget) return;
        attach(this.shadowRoot, wasm_bindgen.stylesheet());
        this.#widget = wasm_bindgen.mount(this.constructor.spec.kind, container, JSON.stringify(this.#attributes()));
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
      });
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
