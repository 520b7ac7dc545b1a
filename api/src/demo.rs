//! The home page: what the server is, each widget live beside its copy-paste snippet, the
//! pinned (Subresource Integrity) and iframe snippets, the lines a strict host adds to its
//! Content-Security-Policy, and the theming variables.

use crate::widgets::WidgetAssets;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The theming variables: name, default, what it colours.
pub const THEME: [(&str, &str, &str); 12] = [
    (
        "--tipx-accent",
        "#0b5cad",
        "links, buttons, chips, current page, focus ring",
    ),
    ("--tipx-on-accent", "#ffffff", "text on the accent colour"),
    ("--tipx-text", "#1b1b1b", "body text"),
    ("--tipx-muted", "#4d4d4d", "secondary text and counts"),
    ("--tipx-bg", "#ffffff", "background"),
    ("--tipx-surface", "#f4f4f4", "empty and error panels"),
    ("--tipx-border", "#767676", "input and card borders"),
    ("--tipx-mark", "#fff0a0", "background of matched words"),
    ("--tipx-font", "system-ui, sans-serif", "font family"),
    ("--tipx-font-size", "16px", "base font size"),
    ("--tipx-radius", "6px", "corner radius"),
    ("--tipx-focus", "#0b5cad", "keyboard focus outline"),
];

/// One widget shown live with its snippet.
struct Example {
    title: &'static str,
    about: &'static str,
    tag: String,
}

fn examples() -> Vec<Example> {
    vec![
        Example {
            title: "Search",
            about: "Search box, facet filters with counts, active-filter chips, results with \
                    highlights and kind badges, pages. Attributes preset filters; `lock` fixes them.",
            tag: r#"<tipx-search page-size="5"></tipx-search>"#.into(),
        },
        Example {
            title: "Search, locked to one country, in French",
            about: "An NGO in Nigeria shows Nigeria's records only; visitors cannot remove the filter.",
            tag: r#"<tipx-search country="NG" lock lang="fr" page-size="3"></tipx-search>"#.into(),
        },
        Example {
            title: "Country profile",
            about: "Treaty status for the key instruments, laws, counts by kind, latest practices and cases.",
            tag: r#"<tipx-country code="NG"></tipx-country>"#.into(),
        },
        Example {
            title: "Record card",
            about: "One law, practice or case by its id.",
            tag: r#"<tipx-record record="PR01"></tipx-record>"#.into(),
        },
    ]
}

/// The page's one inline script: the language menu of the live widgets.
const LANG_SCRIPT: &str = "document.getElementById('lang').addEventListener('change', (e) => {\
    for (const el of document.querySelectorAll('.live > *')) el.setAttribute('lang', e.target.value); });";

/// The page's one inline style element.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}code,pre{background:#f3f3f3}code{padding:.1rem .3rem}pre{padding:1rem;overflow:auto;white-space:pre-wrap}a{color:#0b5cad}.example{margin:2rem 0}.live{border:1px dashed #999;padding:1rem}.note{background:#fff4d6;padding:1rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:left}";

/// `'sha256-…'`, the CSP source that allows exactly this inline text.
fn csp_hash(text: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// The home page's Content-Security-Policy: this server's scripts, styles and WebAssembly and
/// the page's own inline script and style by hash; never framed.
pub fn csp(origin: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self' {origin} 'wasm-unsafe-eval' {script}; \
         style-src 'self' {style}; connect-src 'self' {origin}; img-src 'self' data:; \
         frame-src 'self' {origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        script = csp_hash(LANG_SCRIPT),
        style = csp_hash(STYLE),
    )
}

/// The page; `origin` is how the visitor reached this server (for the snippets).
pub fn page(widgets: Option<&WidgetAssets>, origin: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut body = String::new();
    match widgets {
        None => body.push_str(
            "<p class=\"note\" role=\"note\"><strong>The widgets are not built on this server.</strong> \
             Run <code>bash scripts/build-widgets.sh</code> (the run command <code>scripts/run.sh</code> does it) \
             and restart, and they appear here.</p>",
        ),
        Some(assets) => {
            let loader = format!(r#"<script type="module" src="{origin}/widgets/tipx.js"></script>"#);
            body.push_str(&format!(
                "<h2 id=\"embed\">Embed a widget</h2>\
                 <p>Paste two lines into any page: the loader, once per page, and a widget element.</p>\
                 <pre><code>{}</code></pre>\
                 <p><label>Language of the widgets below: <select id=\"lang\">\
                 <option value=\"en\">English</option><option value=\"fr\">Français</option>\
                 <option value=\"es\">Español</option><option value=\"ru\">Русский</option>\
                 <option value=\"zh\">中文</option><option value=\"ar\">العربية</option></select></label></p>",
                escape(&format!("{loader}\n<tipx-search country=\"NG\" kind=\"practice\" lang=\"fr\"></tipx-search>"))
            ));
            for ex in examples() {
                body.push_str(&format!(
                    "<section class=\"example\"><h3>{}</h3><p>{}</p><pre><code>{}</code></pre><div class=\"live\">{}</div></section>",
                    ex.title,
                    escape(ex.about),
                    escape(&ex.tag),
                    ex.tag
                ));
            }
            let pinned = format!(
                r#"<script type="module" src="{origin}/widgets/{v}/tipx.js" integrity="{sri}" crossorigin="anonymous"></script>"#,
                v = assets.version,
                sri = assets.script_integrity()
            );
            let iframe = format!(
                r#"<iframe src="{origin}/widgets/frame.html?widget=search&country=NG&lang=fr" title="TIP Exchange search" style="width:100%;height:900px;border:0"></iframe>"#
            );
            let csp = format!(
                "script-src 'self' {origin} 'wasm-unsafe-eval';\nconnect-src 'self' {origin};\nframe-src {origin};"
            );
            let sizes: Vec<String> = assets
                .sizes()
                .iter()
                .map(|(name, raw, gz)| format!("<code>{name}</code> {raw} bytes ({gz} gzipped)"))
                .collect();
            body.push_str(&format!(
                "<h2 id=\"pin\">Pin a version</h2>\
                 <p>Version <code>{v}</code> never changes: pin it with Subresource Integrity. Its script pins the WebAssembly by hash in turn. \
                 Every version and hash: <a href=\"/widgets/manifest.json\">/widgets/manifest.json</a>.</p>\
                 <pre><code>{pinned}</code></pre>\
                 <p>The loader fetches a widget's script and WebAssembly only when such an element is on the page, \
                 and for elements further down only when the visitor scrolls near them. \
                 Sizes: {sizes}.</p>\
                 <h2 id=\"csp\">Strict pages (Content-Security-Policy)</h2>\
                 <p>A page with a Content-Security-Policy adds this server to it. <code>'wasm-unsafe-eval'</code> lets the widget run in the page; \
                 without it the loader notices and shows the same widget in an iframe from this server, which needs <code>frame-src</code>.</p>\
                 <pre><code>{csp}</code></pre>\
                 <p>Pages that allow no script from this server can embed the iframe directly (same attributes as query parameters, plus <code>widget</code>):</p>\
                 <pre><code>{iframe}</code></pre>",
                v = assets.version,
                sizes = sizes.join(", "),
                pinned = escape(&pinned),
                csp = escape(&csp),
                iframe = escape(&iframe),
            ));
            body.push_str(
                "<h2 id=\"theme\">Theming</h2><p>Set these CSS custom properties on the widget element or any ancestor; \
                 nothing else of the page's CSS reaches into the widget.</p>\
                 <pre><code>tipx-search { --tipx-accent: #6a1b9a; --tipx-radius: 0; --tipx-font: Georgia, serif; }</code></pre>\
                 <table><thead><tr><th>Variable</th><th>Default</th><th>Used for</th></tr></thead><tbody>",
            );
            for (name, default, what) in THEME {
                body.push_str(&format!(
                    "<tr><td><code>{name}</code></td><td><code>{}</code></td><td>{what}</td></tr>",
                    escape(default)
                ));
            }
            body.push_str("</tbody></table>");
            body.push_str(&format!(
                "{loader}\n<script type=\"module\">{LANG_SCRIPT}</script>"
            ));
        }
    }
    format!(
        r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TIP Exchange</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}</style>
</head><body>
<h1>TIP Exchange <small>v{version}</small></h1>
<p>An open platform where member states, NGOs and UN agencies share national laws, prevention practices and successful cases against trafficking in persons.</p>
<ul>
<li><a href="/graphiql">GraphiQL</a>: explore the GraphQL API in the browser; <code>POST /graphql</code> or <code>GET /graphql?query=…</code> for partner systems</li>
<li><a href="#embed">Widgets</a> for NGO websites: search, country profile, record card</li>
<li><a href="/contribute">Contribute</a>: focal points and NGOs share laws, practices and cases for their countries (with a contributor key)</li>
<li><a href="/review">Review</a>: moderators publish submissions, send them back with a reason, or retract records (with a moderator key)</li>
<li><a href="/health">/health</a> and <a href="/metrics">/metrics</a></li>
</ul>
{body}
</body></html>"##
    )
}
