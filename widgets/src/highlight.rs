//! Highlights arrive as HTML-escaped text with the matched words in `<em>`. They are split
//! into plain-text pieces here and rendered as text nodes, so nothing the API sends is ever
//! parsed as markup by the browser.

/// One piece of a highlighted string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub matched: bool,
}

/// Splits `a <em>b</em> &amp; c` into `a `, `b` (matched), ` & c`.
pub fn pieces(html: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = html;
    let mut matched = false;
    while !rest.is_empty() {
        let tag = if matched { "</em>" } else { "<em>" };
        let (text, next) = match rest.find(tag) {
            Some(i) => (&rest[..i], &rest[i + tag.len()..]),
            None => (rest, ""),
        };
        if !text.is_empty() {
            out.push(Piece {
                text: unescape(text),
                matched,
            });
        }
        if next.is_empty() && !rest.contains(tag) {
            break;
        }
        rest = next;
        matched = !matched;
    }
    out
}

/// Undoes the escaping the API applies (`&amp; &lt; &gt; &quot; &#39; &#x27;`).
pub fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let entities = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&#x27;", '\''),
            ("&#x2F;", '/'),
        ];
        match entities.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, c)) => {
                out.push(*c);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, matched: bool) -> Piece {
        Piece {
            text: text.to_owned(),
            matched,
        }
    }

    #[test]
    fn matched_words_are_split_out_and_entities_decoded() {
        assert_eq!(
            pieces("Forced <em>labour</em> &amp; <em>debt</em> bondage"),
            vec![
                p("Forced ", false),
                p("labour", true),
                p(" & ", false),
                p("debt", true),
                p(" bondage", false)
            ]
        );
        assert_eq!(pieces("no match"), vec![p("no match", false)]);
        assert_eq!(pieces(""), vec![]);
    }

    #[test]
    fn escaped_markup_stays_text() {
        assert_eq!(
            pieces("&lt;script&gt;alert(1)&lt;/script&gt; <em>x</em>"),
            vec![p("<script>alert(1)</script> ", false), p("x", true)]
        );
        assert_eq!(unescape("AT&T &unknown;"), "AT&T &unknown;");
    }

    #[test]
    fn an_unclosed_highlight_keeps_its_text() {
        assert_eq!(pieces("a <em>b"), vec![p("a ", false), p("b", true)]);
    }
}
