//! How the embedded index cuts text into words, in the six UN languages, the way Meilisearch's
//! tokenizer (charabia) does, so that both backends find the same records:
//!
//! - Runs of letters and digits are words; everything else separates them.
//! - **Chinese** runs are segmented with jieba (the same version and dictionary charabia uses,
//!   without its hidden Markov model), and each jieba word is cut again into dictionary bigrams,
//!   trigrams or single characters, as charabia's search segmentation does.
//! - **Arabic** is normalised as charabia does: tatweel removed, alef variants (أ إ آ ٱ) to ا,
//!   ى to ي, ة to ه, and short-vowel marks (tashkeel) dropped.
//! - Lower-casing and Latin accent folding (French, Spanish) follow in the analyzer
//!   (`LowerCaser`, `AsciiFoldingFilter`); Cyrillic is lower-cased the same way.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Whether `c` is a Han ideograph (CJK Unified Ideographs and their extensions).
fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Arabic normalisation of one character; `None` drops it.
fn normalise_arabic(c: char) -> Option<char> {
    match c {
        'ـ' => None,
        '\u{064B}'..='\u{065F}' | '\u{0670}' => None,
        'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        other => Some(other),
    }
}

/// Whether `c` belongs to a word (tashkeel marks are kept inside Arabic words, then dropped).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | 'ـ')
}

fn next_gram<const N: usize>(s: &str) -> Option<&str> {
    s.char_indices()
        .nth(N - 1)
        .map(|(i, c)| &s[..i + c.len_utf8()])
}

/// Cuts a jieba word further for search, as charabia does: dictionary bigrams first, then
/// trigrams, else single characters.
fn cut_for_search(word: &str) -> Vec<&str> {
    if word.chars().count() <= 2 || word.chars().all(|c| c.is_ascii_alphanumeric()) {
        return vec![word];
    }
    let mut parts = Vec::new();
    let mut at = 0;
    while at < word.len() {
        let rest = &word[at..];
        let part = next_gram::<2>(rest)
            .filter(|g| JIEBA.has_word(g))
            .or_else(|| next_gram::<3>(rest).filter(|g| JIEBA.has_word(g)))
            .or_else(|| next_gram::<1>(rest))
            .unwrap_or(rest);
        at += part.len();
        parts.push(part);
    }
    parts
}

/// The words of `text` with their byte ranges in it.
pub fn words(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_word_char(c) {
            continue;
        }
        // A run of word characters, split where Han meets another script.
        let han = is_han(c);
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if !is_word_char(next) || is_han(next) != han {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        let run = &text[start..end];
        if han {
            let mut offset = start;
            for word in JIEBA.cut(run, false) {
                let word_start = offset;
                offset += word.len();
                let mut part_start = word_start;
                for part in cut_for_search(word) {
                    out.push((part.to_owned(), part_start..part_start + part.len()));
                    part_start += part.len();
                }
            }
        } else {
            let normalised: String = run.chars().filter_map(normalise_arabic).collect();
            if !normalised.is_empty() {
                out.push((normalised, start..end));
            }
        }
    }
    out
}

/// The tantivy tokenizer over [`words`].
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

pub struct WordStream<'a> {
    words: std::vec::IntoIter<(String, std::ops::Range<usize>)>,
    token: &'a mut Token,
    position: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            words: words(text).into_iter(),
            token: &mut self.token,
            position: 0,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        match self.words.next() {
            Some((text, range)) => {
                self.token.text = text;
                self.token.offset_from = range.start;
                self.token.offset_to = range.end;
                self.token.position = self.position;
                self.token.position_length = 1;
                self.position += 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn chinese_is_cut_into_words_and_the_ranges_point_at_them() {
        let text = "打击人口贩运，保护妇女和儿童";
        let found = words(text);
        let list: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        for word in ["打击", "人口", "贩运", "保护", "妇女", "儿童"] {
            assert!(list.contains(&word), "{word} in {list:?}");
        }
        for (word, range) in &found {
            assert_eq!(&text[range.clone()], word);
        }
    }

    #[test]
    fn latin_cyrillic_and_mixed_runs_are_words() {
        assert_eq!(
            texts("Traite des êtres humains, 2019!"),
            ["Traite", "des", "êtres", "humains", "2019"]
        );
        assert_eq!(texts("Торговля людьми"), ["Торговля", "людьми"]);
        assert_eq!(texts("ILO公约"), ["ILO", "公约"]);
    }

    #[test]
    fn arabic_is_normalised_like_meilisearch() {
        assert_eq!(texts("الأطفال"), ["الاطفال"]);
        assert_eq!(texts("إِنْسَان"), ["انسان"]);
        assert_eq!(texts("حمايـــة"), ["حمايه"]);
        assert_eq!(texts("مستشفى"), ["مستشفي"]);
    }
}
