//! An instruction's flags and arguments with their bytes in the text, read on demand from
//! its logical line the way BuildKit's parser reads them (`splitCommand`,
//! `extractBuilderFlags`, and the instruction's own argument reader: `parseJSON`,
//! `parseMaybeJSON`, `parseMaybeJSONToList`, `parseStringsWhitespaceDelimited`,
//! `parseWords`, `parseNameVal`, `parseHealthConfig`, `parseString`).

use super::Instruction;
use super::words::{self, Parts};
use std::borrow::Cow;
use std::ops::Range;

/// One builder flag of an instruction (`--from=build`, `--link`), as BuildKit's
/// `extractBuilderFlags` reads it: quotes and backslash escapes removed from the name and the
/// value, the spans as written.
///
/// ```
/// let text = "FROM alpine AS build\nCOPY --from=build \\\n     --chown=\"app:app\" /out /app\n";
/// let tree = dockerdsl::syntax::read(text)?;
/// let copy = tree.instructions().nth(1).unwrap();
/// let flags = copy.flags();
/// let names: Vec<&str> = flags.iter().map(|f| f.name()).collect();
/// assert_eq!(names, ["from", "chown"]);
/// assert_eq!(flags[1].value(), Some("app:app"));
/// assert_eq!(&text[flags[1].value_span().unwrap()], "\"app:app\"");
/// assert_eq!(&text[flags[1].span()], "--chown=\"app:app\"");
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag<'a> {
    span: Range<usize>,
    raw: Cow<'a, str>,
    name: Cow<'a, str>,
    name_span: Range<usize>,
    value: Option<Cow<'a, str>>,
    value_span: Option<Range<usize>>,
}

impl<'a> Flag<'a> {
    /// The bytes of the text it spans, from `--` to its last byte.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The flag as written on the logical line (`--chown="app:app"`): its span's text
    /// without the continuation escapes and the comment lines inside it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The name, without `--`, quotes and escapes removed (`from`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bytes of the name as written, after `--` and up to the `=` (or the end).
    pub fn name_span(&self) -> Range<usize> {
        self.name_span.clone()
    }

    /// The value after the first `=`, quotes and escapes removed (`build`); `None` for a
    /// flag without `=` (`--link`). Variables are not substituted.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The bytes of the value as written, after the `=` (an empty range for `--from=`).
    pub fn value_span(&self) -> Option<Range<usize>> {
        self.value_span.clone()
    }
}

/// How BuildKit reads an instruction's arguments.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A JSON array of strings (the exec form of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`,
    /// `HEALTHCHECK CMD`; the JSON form of `COPY`, `ADD`, `VOLUME`): each word is one string,
    /// decoded.
    Json,
    /// The rest of the line as one word: the shell form of `RUN`, `CMD`, `ENTRYPOINT` and
    /// `HEALTHCHECK CMD`, and `USER`, `WORKDIR`, `STOPSIGNAL`, `MAINTAINER`, `ONBUILD` (its
    /// instruction as written) and unknown keywords.
    Line,
    /// Words: split at blanks (`FROM`, `EXPOSE`, `COPY`, `ADD`, `VOLUME`), or at unquoted
    /// blanks with quotes and escapes kept (`ARG`, `ENV`, `LABEL`: each `name=value` one
    /// word; the legacy `ENV name value` is two, the name and the rest of the line).
    Words,
}

/// One argument of an instruction: a word, a JSON string, or the rest of the line.
///
/// ```
/// use dockerdsl::syntax::Form;
///
/// let text = "FROM alpine\nCMD [\"echo\", \"a\\\"b\"]\n";
/// let tree = dockerdsl::syntax::read(text)?;
/// let args = tree.instructions().nth(1).unwrap().args();
/// assert_eq!(args.form(), Form::Json);
/// let words = args.words();
/// assert_eq!(words[1].text(), "a\"b");
/// assert_eq!(words[1].raw(), "\"a\\\"b\"");
/// assert_eq!(&text[words[1].span()], "\"a\\\"b\"");
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    span: Range<usize>,
    raw: Cow<'a, str>,
    /// The decoded string of a JSON word.
    decoded: Option<Cow<'a, str>>,
}

impl<'a> Word<'a> {
    /// The bytes of the text it spans.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The word as written on the logical line: its span's text without the continuation
    /// escapes and the comment lines inside it (a JSON string with its quotes).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The value BuildKit's parser gives the next step: a JSON string decoded, any other
    /// word as written (quotes, escapes and variables are the shell lexer's business,
    /// later).
    pub fn text(&self) -> &str {
        self.decoded.as_deref().unwrap_or(&self.raw)
    }

    /// Whether it is a string of a JSON array (`HEALTHCHECK`'s type, before the array, is
    /// not).
    pub fn is_json(&self) -> bool {
        self.decoded.is_some()
    }
}

/// An instruction's arguments (after its flags) and how BuildKit reads them.
///
/// ```
/// use dockerdsl::syntax::Form;
///
/// let text = "FROM alpine\nENV A=\"x y\" \\\n    B=2\nRUN echo hi\n";
/// let tree = dockerdsl::syntax::read(text)?;
/// let mut all = tree.instructions();
/// let from = all.next().unwrap().args();
/// assert_eq!((from.form(), from.words()[0].text()), (Form::Words, "alpine"));
/// let env = all.next().unwrap().args();
/// let words: Vec<&str> = env.words().iter().map(|w| w.text()).collect();
/// assert_eq!(words, ["A=\"x y\"", "B=2"]);
/// assert_eq!(&text[env.words()[1].span()], "B=2");
/// let run = all.next().unwrap().args();
/// assert_eq!((run.form(), run.words()[0].text()), (Form::Line, "echo hi"));
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args<'a> {
    form: Form,
    words: Vec<Word<'a>>,
}

impl<'a> Args<'a> {
    /// How they are read.
    pub fn form(&self) -> Form {
        self.form
    }

    /// The words, in order (none when there are no arguments).
    pub fn words(&self) -> &[Word<'a>] {
        &self.words
    }

    /// The words, owned.
    pub fn into_words(self) -> Vec<Word<'a>> {
        self.words
    }
}

/// `(offset in the logical line, offset in the text, length)` of a piece.
type Piece = (usize, usize, usize);

/// From offsets of an instruction's logical line to offsets of the text: the logical line is
/// made of pieces of the text (one for an instruction of one line), in order.
struct Layout<'a> {
    text: &'a str,
    /// The piece of an instruction of one line (no vector for the common case).
    one: [Piece; 1],
    /// The pieces of an instruction of several lines.
    many: Vec<Piece>,
}

impl<'a> Layout<'a> {
    fn pieces(&self) -> &[Piece] {
        if self.many.is_empty() {
            &self.one
        } else {
            &self.many
        }
    }

    fn piece_of(&self, at: usize) -> usize {
        if self.many.is_empty() {
            return 0;
        }
        self.pieces()
            .partition_point(|&(from, _, _)| from <= at)
            .saturating_sub(1)
    }

    /// Where the byte at `at` of the logical line is in the text (the end of the last piece
    /// for the end of the line).
    fn start(&self, at: usize) -> usize {
        let (from, to, len) = self.pieces()[self.piece_of(at)];
        to + (at - from).min(len)
    }

    /// Where the byte before `at` ends in the text (the start of the first piece for 0).
    fn end(&self, at: usize) -> usize {
        if at == 0 {
            return self.pieces().first().map_or(0, |p| p.1);
        }
        let (from, to, _) = self.pieces()[self.piece_of(at - 1)];
        to + (at - from)
    }

    /// The span in the text of a range of the logical line.
    fn span(&self, r: &Range<usize>) -> Range<usize> {
        if r.is_empty() {
            let at = self.end(r.start);
            return at..at;
        }
        self.start(r.start)..self.end(r.end)
    }

    /// The text of a range of the logical line: borrowed from the text when it lies within
    /// one piece.
    fn text(&self, logical: &str, r: &Range<usize>) -> Cow<'a, str> {
        if r.is_empty() {
            return Cow::Borrowed("");
        }
        let (from, to, len) = self.pieces()[self.piece_of(r.start)];
        if r.end <= from + len {
            let at = to + (r.start - from);
            if let Some(s) = self.text.get(at..at + r.len()) {
                return Cow::Borrowed(s);
            }
        }
        Cow::Owned(logical.get(r.clone()).unwrap_or_default().to_owned())
    }
}

impl<'a> Instruction<'a> {
    /// The pieces of the text the logical line is made of.
    fn layout(&self) -> Layout<'a> {
        let text = self.source;
        let at = |s: &str| s.as_ptr() as usize - text.as_ptr() as usize;
        if !self.continued {
            return Layout {
                text,
                one: [(0, at(self.joined_slice()), self.joined.len())],
                many: Vec::new(),
            };
        }
        let mut offset = 0;
        let many: Vec<Piece> = self
            .pieces()
            .iter()
            .filter(|(_, comment)| !comment)
            .map(|(piece, _)| {
                let p = (offset, at(piece), piece.len());
                offset += piece.len();
                p
            })
            .collect();
        Layout {
            text,
            one: [many.first().copied().unwrap_or((0, 0, 0))],
            many,
        }
    }

    /// The logical line of an instruction of one line, which is a slice of the text.
    fn joined_slice(&self) -> &'a str {
        match self.joined {
            Cow::Borrowed(s) => s,
            Cow::Owned(_) => "",
        }
    }

    /// The bytes of the keyword in the text (across a continuation line, if one splits it).
    ///
    /// ```
    /// let text = "FROM alpine\n  R\\\nUN echo hi\n";
    /// let tree = dockerdsl::syntax::read(text)?;
    /// let run = tree.instructions().nth(1).unwrap();
    /// assert_eq!(run.keyword(), "RUN");
    /// assert_eq!(&text[run.keyword_span()], "R\\\nUN");
    /// # Ok::<(), dockerdsl::ParseErrors>(())
    /// ```
    pub fn keyword_span(&self) -> Range<usize> {
        self.layout().span(&self.keyword)
    }

    /// Its builder flags (`--from=build`), in order, read from the logical line when asked
    /// (nothing is kept in the tree): see [`Flag`]. `ONBUILD`'s are its own, not its
    /// instruction's.
    pub fn flags(&self) -> Vec<Flag<'a>> {
        let logical: &str = &self.joined;
        let layout = self.layout();
        let parts = words::split_parts(logical);
        flags(logical, &layout, parts)
    }

    /// Its arguments (what follows the flags), read from the logical line when asked, as
    /// BuildKit's parser reads this instruction's: see [`Args`] and [`Form`]. Every word's
    /// span is exact, across continuation lines; a JSON array with an element that is not a
    /// string (which BuildKit refuses) reads as if it were not JSON.
    pub fn args(&self) -> Args<'a> {
        let logical: &str = &self.joined;
        let layout = self.layout();
        let parts = words::split_parts(logical);
        args(self.keyword(), self.escape, logical, &layout, &parts)
    }

    /// [`flags`](Self::flags) and [`args`](Self::args) at once (the line is split once).
    ///
    /// ```
    /// use dockerdsl::syntax::Form;
    ///
    /// let text = "FROM alpine\nRUN --mount=type=cache,target=/root/.cache [\"make\", \"all\"]\n";
    /// let tree = dockerdsl::syntax::read(text)?;
    /// let (flags, args) = tree.instructions().nth(1).unwrap().flags_and_args();
    /// assert_eq!(flags[0].value(), Some("type=cache,target=/root/.cache"));
    /// assert_eq!(args.form(), Form::Json);
    /// let words: Vec<&str> = args.words().iter().map(|w| w.text()).collect();
    /// assert_eq!(words, ["make", "all"]);
    /// # Ok::<(), dockerdsl::ParseErrors>(())
    /// ```
    pub fn flags_and_args(&self) -> (Vec<Flag<'a>>, Args<'a>) {
        let logical: &str = &self.joined;
        let layout = self.layout();
        let mut parts = words::split_parts(logical);
        let args = args(self.keyword(), self.escape, logical, &layout, &parts);
        let raw = std::mem::take(&mut parts.flags);
        let flags = flags(
            logical,
            &layout,
            Parts {
                flags: raw,
                ..parts
            },
        );
        (flags, args)
    }
}

fn flags<'a>(logical: &str, layout: &Layout<'a>, parts: Parts<'_>) -> Vec<Flag<'a>> {
    parts
        .flags
        .into_iter()
        .map(|f| {
            let unquoted = |s: &str, r: &Range<usize>| {
                let raw = layout.text(logical, r);
                if raw == s {
                    raw
                } else {
                    Cow::Owned(s.to_owned())
                }
            };
            let name_from = f.range.start + 2;
            let (name, name_span, value, value_span) = match f.eq {
                Some((i, raw)) => {
                    let name_r = name_from..raw;
                    let value_r = raw + 1..f.range.end;
                    (
                        unquoted(f.word.get(2..i).unwrap_or_default(), &name_r),
                        layout.span(&name_r),
                        Some(unquoted(f.word.get(i + 1..).unwrap_or_default(), &value_r)),
                        Some(layout.span(&value_r)),
                    )
                }
                None => {
                    let name_r = name_from..f.range.end;
                    (
                        unquoted(f.word.get(2..).unwrap_or_default(), &name_r),
                        layout.span(&name_r),
                        None,
                        None,
                    )
                }
            };
            Flag {
                span: layout.span(&f.range),
                raw: layout.text(logical, &f.range),
                name,
                name_span,
                value,
                value_span,
            }
        })
        .collect()
}

fn args<'a>(
    keyword: &str,
    escape: char,
    logical: &str,
    layout: &Layout<'a>,
    parts: &Parts<'_>,
) -> Args<'a> {
    let rest = parts.args;
    let base = parts.args_at;
    let word = |r: Range<usize>| {
        let r = base + r.start..base + r.end;
        Word {
            span: layout.span(&r),
            raw: layout.text(logical, &r),
            decoded: None,
        }
    };
    let line = |rest: &str, at: usize| {
        let words = if rest.is_empty() {
            Vec::new()
        } else {
            vec![word(at..at + rest.len())]
        };
        Args {
            form: Form::Line,
            words,
        }
    };
    let json = |rest: &str, at: usize| {
        json_strings(rest).map(|strings| Args {
            form: Form::Json,
            words: strings
                .into_iter()
                .map(|(r, decoded)| {
                    let mut w = word(at + r.start..at + r.end);
                    w.decoded = Some(match decoded {
                        Some(d) => Cow::Owned(d),
                        None => unquoted_json(&w.raw),
                    });
                    w
                })
                .collect(),
        })
    };
    // One vector for the words, straight from the ranges.
    let listed = |ranges: &mut dyn Iterator<Item = Range<usize>>| Args {
        form: Form::Words,
        words: ranges.map(word).collect(),
    };
    let is = |k: &str| keyword.eq_ignore_ascii_case(k);
    if is("run") || is("cmd") || is("entrypoint") || is("shell") {
        // `parseMaybeJSON`.
        json(rest, 0).unwrap_or_else(|| line(rest, 0))
    } else if is("copy") || is("add") || is("volume") {
        // `parseMaybeJSONToList`.
        json(rest, 0).unwrap_or_else(|| listed(&mut words::whitespace_ranges(rest)))
    } else if is("from") || is("expose") {
        listed(&mut words::whitespace_ranges(rest))
    } else if is("arg") {
        listed(&mut words::word_ranges(rest, escape).into_iter())
    } else if is("env") || is("label") {
        // `parseNameVal`: the legacy form when the first word has no `=`.
        let ranges = words::word_ranges(rest, escape);
        match ranges.first() {
            Some(first) if !rest[first.clone()].contains('=') => {
                let mut split = words::whitespace_ranges(rest);
                let name = split.next();
                let value = split.next().map(|v| v.start..rest.len());
                listed(&mut name.into_iter().chain(value))
            }
            _ => listed(&mut ranges.into_iter()),
        }
    } else if is("healthcheck") {
        // `parseHealthConfig`: the type, then `parseMaybeJSON` (bytes, as BuildKit reads
        // them).
        let b = rest.as_bytes();
        let sep = b.iter().position(|&c| is_space_byte(c)).unwrap_or(b.len());
        if sep == 0 {
            return Args {
                form: Form::Words,
                words: Vec::new(),
            };
        }
        let mut next = sep + b[sep..].iter().take_while(|&&c| is_space_byte(c)).count();
        while !rest.is_char_boundary(next) {
            next += 1;
        }
        let mut sep = sep;
        while !rest.is_char_boundary(sep) {
            sep += 1;
        }
        let cmd = &rest[next..];
        let mut args = json(cmd, next).unwrap_or_else(|| line(cmd, next));
        args.words.insert(0, word(0..sep));
        args
    } else {
        line(rest, 0)
    }
}

/// A JSON string without escapes, between its quotes.
fn unquoted_json<'a>(raw: &Cow<'a, str>) -> Cow<'a, str> {
    fn inner(s: &str) -> &str {
        s.get(1..s.len().saturating_sub(1)).unwrap_or_default()
    }
    match raw {
        Cow::Borrowed(s) => Cow::Borrowed(inner(s)),
        Cow::Owned(s) => Cow::Owned(inner(s).to_owned()),
    }
}

/// `unicode.IsSpace(rune(b))` on one byte.
fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// `parseJSON` for an array of strings: each string's bytes in `rest` (quotes included),
/// and its value when it has escapes (`None`: the text between the quotes). `None` when
/// `rest` is not a JSON array of strings.
#[allow(clippy::type_complexity)]
fn json_strings(rest: &str) -> Option<Vec<(Range<usize>, Option<String>)>> {
    let b = rest.as_bytes();
    // parseJSON trims `unicode.IsSpace` before looking for the `[` (and so does the
    // lowering's reader): blanks a flag or a continuation left in front are not the text.
    let lead = rest.len() - rest.trim_start_matches(char::is_whitespace).len();
    if b.get(lead) != Some(&b'[') {
        return None;
    }
    let ws = |i: &mut usize| {
        while matches!(b.get(*i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            *i += 1;
        }
    };
    let mut out = Vec::new();
    let mut i = lead + 1;
    ws(&mut i);
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                // A number, an object, ...: serde decides whether it is JSON at all.
                return None;
            }
            let start = i;
            i += 1;
            let mut escaped = false;
            loop {
                match b.get(i)? {
                    b'"' => break,
                    b'\\' => {
                        escaped = true;
                        i += 2;
                    }
                    c if *c < 0x20 => return None,
                    _ => i += 1,
                }
            }
            i += 1;
            let literal = rest.get(start..i)?;
            let decoded = if escaped {
                Some(serde_json::from_str::<String>(literal).ok()?)
            } else {
                None
            };
            out.push((start..i, decoded));
            ws(&mut i);
            match b.get(i)? {
                b',' => {
                    i += 1;
                    ws(&mut i);
                }
                b']' => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    ws(&mut i);
    (i == b.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the lowering reads for `text` and what the JSON reader with spans reads.
    fn both_readings(text: &str) -> (Option<Vec<String>>, Option<Vec<String>>) {
        let ours = json_strings(text).map(|strings| {
            strings
                .into_iter()
                .map(|(r, decoded)| {
                    decoded.unwrap_or_else(|| text[r.start + 1..r.end - 1].to_owned())
                })
                .collect::<Vec<_>>()
        });
        let theirs = match words::json_array(text) {
            Some(Ok(strings)) => Some(strings),
            _ => None,
        };
        (ours, theirs)
    }

    /// Found by `json_strings_agree_with_the_lowering`: blanks before the `[` (BuildKit's
    /// parseJSON and the lowering skip them, so the array is JSON).
    #[test]
    fn json_strings_skip_leading_blanks() {
        for text in ["\t[]", " \t[\"a\"]", "\u{a0}[\"b\", \"c\"]"] {
            let (ours, theirs) = both_readings(text);
            assert!(theirs.is_some(), "{text:?}");
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// The JSON reader with spans takes a text for an array of strings exactly when the
        /// lowering's reader (serde_json) does, and decodes the same strings.
        #[test]
        fn json_strings_agree_with_the_lowering(
            text in prop_oneof![
                "[\\[\\]\",\\\\ u0aé1{}\t\n/]{0,16}",
                // Nearly arrays of strings: escapes, separators, blanks, other values.
                "\\[[ \t\n]?(\"([a-zé ]|\\\\[\"\\\\/bnrtu]|\\\\u00e9){0,3}\"[ \r]?,?|1,|\\[\\],){0,3}\\][ \n]?x?",
            ],
        ) {
            let (ours, theirs) = both_readings(&text);
            prop_assert_eq!(ours, theirs, "{:?}", text);
        }
    }
}
