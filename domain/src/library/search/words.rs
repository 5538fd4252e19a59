//! The words of a text query as `tsquery` terms: the last word is a prefix (search as you type);
//! a misspelt word is corrected to the closest known words (`pg_trgm` similarity over the
//! `search_words` dictionary), and a typed prefix is replaced by the few known words it begins,
//! which the planner can estimate (it guesses 2 % for any prefix) and the index reads faster.

use sea_orm::ConnectionTrait;

use super::statement;
use crate::error::Result;

/// Shorter words are never corrected (their trigrams match too much), nor numbers. They are also
/// the words the dictionary leaves out, so only longer prefixes can be spelt out from it.
const MIN_DICTIONARY_CHARS: usize = 4;
/// A prefix that begins more known words than this stays a prefix.
const MAX_SPELT_OUT: usize = 24;

/// One word of a text query; the last one is a prefix (search as you type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Word {
    text: String,
    prefix: bool,
}

impl Word {
    /// Whether every word starting with (or equal to) this one is in the dictionary.
    fn in_dictionary_range(&self) -> bool {
        self.text.chars().count() >= MIN_DICTIONARY_CHARS && !self.text.chars().all(|c| c.is_ascii_digit())
    }
}

pub(super) fn words_of(text: &str) -> Vec<Word> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let last = words.len().saturating_sub(1);
    words.into_iter().enumerate().map(|(i, text)| Word { text, prefix: i == last }).collect()
}

/// A `tsquery` term matching any of `alternatives` (words of letters and digits only).
fn term(alternatives: &[String], prefix: bool) -> String {
    let suffix = if prefix { ":*" } else { "" };
    let parts: Vec<String> = alternatives.iter().map(|w| format!("'{w}'{suffix}")).collect();
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("({})", parts.join(" | "))
    }
}

#[cfg(test)]
fn terms_of(words: &[Word]) -> Vec<String> {
    words.iter().map(|w| term(std::slice::from_ref(&w.text), w.prefix)).collect()
}

/// Known words equal to `word` or, for a prefix, beginning with it (up to one more than
/// MAX_SPELT_OUT). `~>=~`/`~<~` compare bytes, so the pattern index serves them under any collation.
async fn known_words(db: &impl ConnectionTrait, word: &Word) -> Result<Vec<String>> {
    const EXACT: &str = "SELECT word FROM search_words WHERE word = $1";
    let spelt_out = format!(
        "SELECT word FROM search_words WHERE word ~>=~ $1 AND word ~<~ ($1 || chr(1114111)) ORDER BY word LIMIT {}",
        MAX_SPELT_OUT + 1
    );
    let sql = if word.prefix { spelt_out } else { EXACT.to_owned() };
    let rows = db.query_all(statement(sql, vec![word.text.clone().into()])).await?;
    Ok(rows.iter().filter_map(|r| r.try_get::<String>("", "word").ok()).collect())
}

/// The known words spelt closest to `word`, best first.
async fn closest_words(db: &impl ConnectionTrait, word: &Word) -> Result<Vec<String>> {
    const CLOSEST: &str =
        "SELECT word FROM search_words WHERE word % $1 ORDER BY similarity(word, $1) DESC, word LIMIT 3";
    let rows = db.query_all(statement(CLOSEST.into(), vec![word.text.clone().into()])).await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "word").ok())
        .filter(|w| w.chars().all(char::is_alphanumeric))
        .collect())
}

/// The query's terms, each of which must match. Asking the dictionary, not the assets, keeps this cheap: "does anything match this misspelt
/// word?" over the assets would read all of them.
pub(super) async fn terms(db: &impl ConnectionTrait, words: &[Word]) -> Result<Vec<String>> {
    let mut terms = Vec::with_capacity(words.len());
    for word in words {
        if !word.in_dictionary_range() {
            terms.push(term(std::slice::from_ref(&word.text), word.prefix));
            continue;
        }
        let mut known = known_words(db, word).await?;
        let mut alternatives = vec![word.text.clone()];
        if known.is_empty() {
            // Unknown (for the typed word: no known word starts with it): the closest known words,
            // or, with nothing close, the word itself, which then finds nothing.
            let closest = closest_words(db, word).await?;
            if word.prefix {
                for close in &closest {
                    known.extend(known_words(db, &Word { text: close.clone(), prefix: true }).await?);
                }
                known.sort();
                known.dedup();
            }
            if !closest.is_empty() {
                alternatives = closest;
            }
        }
        let spelt_out = word.prefix
            && !known.is_empty()
            && known.len() <= MAX_SPELT_OUT
            && known.iter().all(|w| w.chars().all(char::is_alphanumeric));
        terms.push(if spelt_out { term(&known, false) } else { term(&alternatives, word.prefix) });
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_counts_and_the_last_may_be_unfinished() {
        let words = words_of("Sunset  bea");
        assert_eq!(terms_of(&words), ["'sunset'", "'bea':*"]);
        assert_eq!((words[0].in_dictionary_range(), words[1].in_dictionary_range()), (true, false));
        assert!(!words_of("2024")[0].in_dictionary_range());
        assert_eq!(terms_of(&words_of("it's o'clock!")), ["'it'", "'s'", "'o'", "'clock':*"]);
        assert!(words_of(" -- ").is_empty());
    }

    #[test]
    fn corrections_become_alternatives() {
        assert_eq!(term(&["harbour".into(), "harbor".into()], false), "('harbour' | 'harbor')");
        assert_eq!(term(&["harb".into(), "harbour".into()], true), "('harb':* | 'harbour':*)");
    }
}
