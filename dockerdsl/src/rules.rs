//! The validation rules, in one place.
//!
//! Every check on a user-supplied string lives here: the builder runs them when a
//! `Dockerfile` is made, the parser when it reads a file, and the `dockerfile!` macro runs
//! the very same functions on literals at compile time. The file depends on nothing but the
//! standard library, so that the macro crate compiles this very file (its `src/rules.rs` is
//! a symbolic link to it) instead of keeping a copy.
//!
//! Each check returns `Err(Invalid)`: a lower-case message and, where there is one, a hint
//! on how to fix it.

use std::string::String;

pub mod reference;
pub mod suggest;
pub mod vocab;

/// Why a value was refused: what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    pub help: Option<String>,
}

impl Invalid {
    fn new(message: impl Into<String>) -> Self {
        Invalid {
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

pub type Check = Result<(), Invalid>;

/// Byte classes: every check that looks at a value byte by byte reads this one table, so a
/// value is read once, eight bytes to a step, and nothing is allocated unless it is refused.
/// The first bits say what a byte is (found with [`scan`]); the others say which sets it
/// belongs to (tested with [`all_in`]).
const NUL: u32 = 1;
const LF: u32 = 1 << 1;
const CR: u32 = 1 << 2;
/// What a flag value cannot carry: not visible ASCII (whitespace, control characters,
/// bytes of non-ASCII characters), quotes and the two escape characters.
const NOT_FLAG: u32 = 1 << 3;
const COMMA: u32 = 1 << 4;
const DOLLAR: u32 = 1 << 5;
const LESS_THAN: u32 = 1 << 6;
/// `[a-z]` (stage names start with one).
const LOWER: u32 = 1 << 7;
/// `[A-Za-z_]`: a variable name's first byte.
const VARIABLE_START: u32 = 1 << 8;
/// `[A-Za-z0-9_]`.
const VARIABLE: u32 = 1 << 9;
/// `[A-Za-z0-9]`.
const ALNUM: u32 = 1 << 10;
/// `[A-Za-z0-9._/:-]`.
const LABEL_KEY: u32 = 1 << 11;
/// `[a-z0-9._-]`.
const STAGE_NAME: u32 = 1 << 12;
/// `[A-Za-z0-9_.-]`: heredoc names and image tags.
const WORD: u32 = 1 << 13;
/// `[A-Za-z0-9_.${}-]`: a user or group name, a numeric id, or a variable.
const OWNER: u32 = 1 << 14;
/// `[a-z0-9_]`: a part of a platform.
const PLATFORM: u32 = 1 << 15;
/// `[a-z0-9]`: most image path components.
const LOWER_ALNUM: u32 = 1 << 16;

const fn byte_classes() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        let (lower, upper, digit) = (
            c.is_ascii_lowercase(),
            c.is_ascii_uppercase(),
            c.is_ascii_digit(),
        );
        let alnum = lower || upper || digit;
        let mut k = 0;
        if !c.is_ascii_graphic() || matches!(c, b'"' | b'\'' | b'\\' | b'`') {
            k |= NOT_FLAG;
        }
        k |= match c {
            0 => NUL,
            b'\n' => LF,
            b'\r' => CR,
            b',' => COMMA,
            b'$' => DOLLAR,
            b'<' => LESS_THAN,
            _ => 0,
        };
        let sets = [
            (lower, LOWER),
            (upper || lower || c == b'_', VARIABLE_START),
            (alnum || c == b'_', VARIABLE),
            (alnum, ALNUM),
            (
                alnum || matches!(c, b'.' | b'_' | b'/' | b':' | b'-'),
                LABEL_KEY,
            ),
            (
                lower || digit || matches!(c, b'.' | b'_' | b'-'),
                STAGE_NAME,
            ),
            (alnum || matches!(c, b'.' | b'_' | b'-'), WORD),
            (
                alnum || matches!(c, b'.' | b'_' | b'-' | b'$' | b'{' | b'}'),
                OWNER,
            ),
            (lower || digit || c == b'_', PLATFORM),
            (lower || digit, LOWER_ALNUM),
        ];
        let mut i = 0;
        while i < sets.len() {
            if sets[i].0 {
                k |= sets[i].1;
            }
            i += 1;
        }
        t[b] = k;
        b += 1;
    }
    t
}

static CLASSES: [u32; 256] = byte_classes();

fn class(b: u8) -> u32 {
    CLASSES[usize::from(b)]
}

/// What the bytes of `s` are: the union of their classes.
fn scan(s: &str) -> u32 {
    let mut chunks = s.as_bytes().chunks_exact(8);
    let mut found = 0;
    for c in &mut chunks {
        found |= class(c[0])
            | class(c[1])
            | class(c[2])
            | class(c[3])
            | class(c[4])
            | class(c[5])
            | class(c[6])
            | class(c[7]);
    }
    for &b in chunks.remainder() {
        found |= class(b);
    }
    found
}

/// Whether every byte of `s` is in the set `set` (true for an empty `s`).
fn all_in(s: &str, set: u32) -> bool {
    let mut chunks = s.as_bytes().chunks_exact(8);
    let mut common = set;
    for c in &mut chunks {
        common &= class(c[0])
            & class(c[1])
            & class(c[2])
            & class(c[3])
            & class(c[4])
            & class(c[5])
            & class(c[6])
            & class(c[7]);
    }
    for &b in chunks.remainder() {
        common &= class(b);
    }
    common != 0
}

/// Whether the first byte of `s` is in the set `set`.
fn first_in(s: &str, set: u32) -> bool {
    s.as_bytes().first().is_some_and(|b| class(*b) & set != 0)
}

/// Quotes a value for a message, escaping what would make the message ambiguous.
pub fn show(value: &str) -> String {
    format!("{value:?}")
}

/// Stage names and named build contexts: BuildKit's `^[a-z][a-z0-9-_.]*$`.
pub fn stage_name(name: &str) -> Check {
    if !stage_name_shaped(name) {
        const RULE: &str = "a stage name starts with a lower-case letter, followed by lower-case letters, digits, `-`, `_` or `.`";
        let help = match stage_name_like(name) {
            Some(like) if like == name.to_ascii_lowercase() => {
                format!("stage names are lower-case: use {}", show(&like))
            }
            Some(like) => format!("{RULE}: use {}", show(&like)),
            None => RULE.into(),
        };
        return Err(Invalid::new(format!("invalid stage name {}", show(name))).help(help));
    }
    if name == "scratch" || name == "context" {
        return Err(
            Invalid::new(format!("stage name `{name}` is reserved by BuildKit"))
                .help("choose another name, such as `base` or `build`"),
        );
    }
    Ok(())
}

/// Whether `name` is shaped like a stage name (`^[a-z][a-z0-9-_.]*$`, the reserved ones
/// included), told without building a message.
pub fn stage_name_shaped(name: &str) -> bool {
    first_in(name, LOWER) && all_in(name, STAGE_NAME)
}

/// A valid stage name close to `name`, for a hint: lower-case, each run of other characters
/// as one `-`, starting with a letter (`stage-` before a leading digit), never reserved.
pub fn stage_name_like(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-');
    let mut out = match out.chars().next() {
        None => return None,
        Some(c) if c.is_ascii_lowercase() => out.to_owned(),
        Some(_) => format!("stage-{out}"),
    };
    if out == "scratch" || out == "context" {
        out.push_str("-stage");
    }
    Some(out)
}

/// Names of build arguments and environment variables: what `$NAME` can refer to.
pub fn variable_name(name: &str) -> Check {
    let valid = first_in(name, VARIABLE_START) && all_in(name, VARIABLE);
    if valid {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid variable name {}", show(name)))
            .help("a name is a letter or `_` followed by letters, digits and `_`, so that `$NAME` can refer to it"))
    }
}

/// Label keys, such as `org.opencontainers.image.source`.
pub fn label_key(key: &str) -> Check {
    let valid = first_in(key, ALNUM) && all_in(key, LABEL_KEY);
    if valid {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid label key {}", show(key)))
            .help("label keys are letters, digits, `.`, `-`, `_`, `/` and `:`, such as `org.opencontainers.image.source`"))
    }
}

/// What no Dockerfile can carry, or no program could receive: a NUL byte.
fn nul_refused() -> Invalid {
    Invalid::new("contains a NUL byte")
}

/// Text that must stay on one line (values, paths read by a rest-of-line parser, commands).
pub fn one_line(s: &str) -> Check {
    one_line_scanned(scan(s))
}

/// [`one_line`] of a text whose byte classes are `found`.
fn one_line_scanned(found: u32) -> Check {
    if found & (NUL | LF | CR) == 0 {
        return Ok(());
    }
    if found & NUL != 0 {
        return Err(nul_refused());
    }
    if found & LF != 0 {
        return Err(
            Invalid::new("contains a newline, which would end the instruction")
                .help("a Dockerfile cannot carry a newline here; remove it"),
        );
    }
    if found & CR != 0 {
        return Err(
            Invalid::new("contains a carriage return, which would end the instruction")
                .help("a Dockerfile cannot carry a carriage return here; remove it"),
        );
    }
    Ok(())
}

/// Text free of NUL: file contents and paths given in JSON form.
pub fn no_nul(s: &str) -> Check {
    if has_nul(s.as_bytes()) {
        Err(nul_refused())
    } else {
        Ok(())
    }
}

/// Whether `b` holds a zero byte, told eight bytes a step: most values are a few bytes to a
/// few dozen, for which a byte loop cost twice this and a call to `memchr` more still.
fn has_nul(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // A word has a zero byte exactly when this has a high bit set.
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    if b.len() < 8 {
        // A plain loop: `contains` calls `memchr`.
        return b.iter().fold(false, |nul, &x| nul | (x == 0));
    }
    let mut chunks = b.chunks_exact(8);
    let mut found = 0;
    for c in &mut chunks {
        found |= zero(word(c));
    }
    // The last eight bytes again, which covers those the chunks left.
    if !chunks.remainder().is_empty() {
        found |= zero(word(&b[b.len() - 8..]));
    }
    found != 0
}

pub fn not_empty(s: &str, what: &str) -> Check {
    if s.is_empty() {
        Err(Invalid::new(format!("{what} is empty")))
    } else {
        Ok(())
    }
}

/// The byte classes of a text, for a check that reads a text more than one way: a `RUN`
/// command is a script if it holds a newline and a one-line command if not, and told from
/// one read both ways instead of a search for the newline and then a scan.
#[derive(Clone, Copy)]
pub struct Classes(u32);

impl Classes {
    pub fn of(s: &str) -> Self {
        Classes(scan(s))
    }

    /// Whether the text holds a newline.
    pub fn multi_line(self) -> bool {
        self.0 & LF != 0
    }
}

/// A heredoc body (a script or an inline file): read raw by BuildKit, line by line.
pub fn heredoc_body(s: &str) -> Check {
    heredoc_body_of(Classes::of(s))
}

/// [`heredoc_body`] of a text whose byte classes are `classes`.
pub fn heredoc_body_of(Classes(found): Classes) -> Check {
    if found & NUL != 0 {
        return Err(nul_refused());
    }
    if found & CR != 0 {
        return Err(Invalid::new(
            "contains a carriage return, which BuildKit drops from heredoc lines",
        )
        .help("use `\\n` line ends"));
    }
    Ok(())
}

/// A single-line shell command (shell-form RUN, CMD, ENTRYPOINT, HEALTHCHECK, or one command
/// of a chain). `escape` is the Dockerfile's escape character; `heredocs` says whether the
/// instruction reads heredocs (RUN does, CMD does not).
pub fn shell_command(cmd: &str, escape: char, heredocs: bool) -> Check {
    shell_command_of(cmd, Classes::of(cmd), escape, heredocs)
}

/// A command with nothing in it (shell or exec form).
pub fn empty_command() -> Invalid {
    Invalid::new("the command is empty").help("write the command to run, or drop the instruction")
}

/// A shell command whose last character is the escape character: at the end of its line it
/// would continue the instruction onto the next. (A file read by `fmt` can hold one, when a
/// vertical tab, which BuildKit trims but does not count before a line end, follows it.)
pub fn command_ends_with_escape(escape: char) -> Invalid {
    Invalid::new(format!(
        "the command ends with the escape character `{escape}`, which would join the next line onto it"
    ))
    .help("remove the trailing escape character, or write the command as a script with a newline")
}

/// [`shell_command`] of a command whose byte classes are `classes`.
pub fn shell_command_of(cmd: &str, Classes(found): Classes, escape: char, heredocs: bool) -> Check {
    one_line_scanned(found)?;
    // A command that starts and ends with visible ASCII has nothing to trim.
    let bytes = cmd.as_bytes();
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if !(visible(bytes.first()) && visible(bytes.last())) {
        if cmd.trim().is_empty() {
            return Err(empty_command());
        }
        if cmd.trim() != cmd {
            return Err(Invalid::new(
                "the command starts or ends with whitespace, which BuildKit drops",
            )
            .help("trim the command"));
        }
    }
    let ends_with_escape = if escape.is_ascii() {
        // A byte comparison: the general `ends_with` calls `memcmp`.
        bytes.last().is_some_and(|&b| char::from(b) == escape)
    } else {
        cmd.ends_with(escape)
    };
    if ends_with_escape {
        return Err(command_ends_with_escape(escape));
    }
    if cmd.starts_with("--") {
        return Err(Invalid::new(
            "the command starts with `--`, which BuildKit would read as a flag",
        )
        .help("use the exec form, or start the command with the program name"));
    }
    // The command starts with no whitespace (refused above), so only a `[` can start an
    // array: the first byte tells most commands without the general test.
    if bytes.first() == Some(&b'[') && starts_with_json_array(cmd) {
        return Err(Invalid::new(
            "the command starts with a JSON array, which Dockerfile frontends before 1.10 run as the exec form, dropping the rest",
        )
        .help("use the exec form to run a program without a shell, or start the shell command with the program's name"));
    }
    if cmd.starts_with('#') {
        return Err(Invalid::new(
            "the command starts with `#`, so the shell would ignore it (and BuildKit drops it on a continuation line)",
        )
        .help("remove the command, or write a comment with `.comment(..)`"));
    }
    if heredocs && found & LESS_THAN != 0 && has_heredoc_marker(cmd) {
        return Err(Invalid::new(
            "the command contains `<<`, which BuildKit would read as a heredoc whose body follows",
        )
        .help("write the whole script as one multi-line string: it is rendered as a heredoc"));
    }
    Ok(())
}

/// Whether BuildKit reads this physical line as a comment: its first non-blank character
/// is `#`.
pub fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Shell text over several lines (`RunCommand::Lines`): the first and last lines are not
/// comments, and no line but the last ends with the escape character (the renderer adds it
/// where a line continues). `Ok` is the command the lines make, which must also be a
/// [`shell_command`]: the caller checks that, as it does a one-line command's (a file read as
/// BuildKit reads it may hold one the canonical form cannot write, such as one that ends with
/// the escape character).
pub fn shell_lines<S: AsRef<str>>(lines: &[S], escape: char) -> Result<String, Invalid> {
    let Some(first) = lines.first() else {
        return Err(Invalid::new("the command has no line"));
    };
    if is_comment_line(first.as_ref()) {
        return Err(Invalid::new("the first line is a comment")
            .help("start with a command; later lines may be comments"));
    }
    if lines.last().is_some_and(|l| is_comment_line(l.as_ref())) {
        return Err(
            Invalid::new("the last line is a comment, which would end the instruction")
                .help("end with a command line"),
        );
    }
    let mut joined = String::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.as_ref();
        one_line(line)?;
        if is_comment_line(line) {
            continue;
        }
        if i + 1 < lines.len() && line.trim_end_matches([' ', '\t']).ends_with(escape) {
            return Err(Invalid::new(format!(
                "a line ends with the escape character `{escape}`, which the renderer adds where a line continues"
            ))
            .help("remove the trailing escape character"));
        }
        joined.push_str(line);
    }
    Ok(joined)
}

/// Whether the text starts with a JSON array. BuildKit tries JSON first. Since
/// dockerfile/1.10 it takes the exec form only when the whole text is one array
/// (`json.Unmarshal`), so `["ls"] && make` runs in a shell; the frontends before it (a
/// file pinned to `# syntax=docker/dockerfile:1.9`, older Docker engines) stopped after the
/// first value and ran `ls`, or failed the build when an element is not a string (`[1]`).
/// A command the model holds means the same to all of them, so it starts with no array.
fn starts_with_json_array(s: &str) -> bool {
    let b = s.trim_start().as_bytes();
    b.first() == Some(&b'[') && json_value_end(b, 0, 0).is_some()
}

const TOO_DEEP: usize = usize::MAX;

fn skip_json_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Where the JSON value starting at `i` ends, if one does. Lenient on number and escape
/// syntax: anything close enough to JSON is treated as JSON, so more is refused, never less.
/// Nesting deeper than 64 counts as JSON too (`TOO_DEEP`), which bounds the recursion.
fn json_value_end(b: &[u8], i: usize, depth: u32) -> Option<usize> {
    if depth > 64 {
        return Some(TOO_DEEP);
    }
    let i = skip_json_ws(b, i);
    match b.get(i)? {
        b'"' => {
            let mut j = i + 1;
            loop {
                match b.get(j)? {
                    b'\\' => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
        }
        open @ (b'[' | b'{') => {
            let close = if *open == b'[' { b']' } else { b'}' };
            let mut j = skip_json_ws(b, i + 1);
            if b.get(j) == Some(&close) {
                return Some(j + 1);
            }
            loop {
                if *open == b'{' {
                    j = json_value_end(b, j, depth + 1)?;
                    if j == TOO_DEEP {
                        return Some(TOO_DEEP);
                    }
                    j = skip_json_ws(b, j);
                    if b.get(j) != Some(&b':') {
                        return None;
                    }
                    j += 1;
                }
                j = json_value_end(b, j, depth + 1)?;
                if j == TOO_DEEP {
                    return Some(TOO_DEEP);
                }
                j = skip_json_ws(b, j);
                match b.get(j)? {
                    b',' => j += 1,
                    c if *c == close => return Some(j + 1),
                    _ => return None,
                }
            }
        }
        c if c.is_ascii_digit() || *c == b'-' => {
            let mut j = i + 1;
            while j < b.len()
                && (b[j].is_ascii_digit() || matches!(b[j], b'-' | b'+' | b'.' | b'e' | b'E'))
            {
                j += 1;
            }
            Some(j)
        }
        _ => ["true", "false", "null"]
            .into_iter()
            .find(|word| b[i..].starts_with(word.as_bytes()))
            .map(|word| i + word.len()),
    }
}

/// Whether BuildKit would take this word for a heredoc marker (`<<EOF`, `2<<-X`): it checks
/// every argument of COPY and ADD, in JSON form too.
pub fn heredoc_like(s: &str) -> bool {
    s.trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with("<<")
}

/// `<<WORD` (optionally `<<-WORD`, with a file descriptor before it) starts a heredoc in
/// RUN, COPY and ADD; `<<<` (a here-string) does not.
fn has_heredoc_marker(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 2 <= b.len() {
        if b[i] == b'<' && b[i + 1] == b'<' {
            let prev_lt = i > 0 && b[i - 1] == b'<';
            let next = b.get(i + 2).copied();
            if !prev_lt && next != Some(b'<') {
                return true;
            }
            // Skip the whole run of `<`.
            while i < b.len() && b[i] == b'<' {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    false
}

/// A heredoc marker as BuildKit reads it from an instruction line: `<<NAME`, `<<-NAME`
/// (leading tabs stripped), `<<"NAME"`/`<<'NAME'` (quoted: no substitution), with an
/// optional file descriptor (`3<<NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocMarker {
    pub name: String,
    pub expand: bool,
    pub chomp: bool,
}

/// The heredoc markers of a line, in order (BuildKit's `heredocsFromLine`): the line is
/// split into words at unquoted whitespace (quotes and backslash escapes kept; an unquoted
/// `<<` keeps the blanks after it, so `cat << EOF` has the word `<< EOF`), and each word of
/// the form `<digits><<[-][blanks]rest` whose `rest` reads as one word is a marker.
pub fn heredoc_markers(line: &str) -> Vec<HeredocMarker> {
    raw_words(line)
        .into_iter()
        .filter_map(heredoc_marker)
        .collect()
}

/// One word as a heredoc marker (BuildKit's `ParseHeredoc`).
pub fn heredoc_marker(word: &str) -> Option<HeredocMarker> {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    // BuildKit's `reHeredoc` (since the frontend of March 2025) allows blanks (RE2's `\s`)
    // between `<<` or `<<-` and the name.
    let rest = rest.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let words = lex_words(rest)?;
    let [name] = words.as_slice() else {
        return None;
    };
    let quotes = |s: &str| s.chars().filter(|c| matches!(c, '"' | '\'')).count();
    let raw = raw_words(rest);
    let expand = raw.first().is_some_and(|r| quotes(r) == quotes(name));
    Some(HeredocMarker {
        name: name.clone(),
        expand,
        chomp,
    })
}

/// Words split at unquoted whitespace, quotes and backslash escapes kept: slices of the
/// line, as nothing is removed. An unquoted `<<` takes the blanks after it into its word, as
/// BuildKit's shell lexer does since the frontend of March 2025 (`processPossibleHeredoc`:
/// `<` pairs from the left, and only spaces, tabs and `\r` are taken).
fn raw_words(line: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    let mut chars = line.char_indices();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    chars.next();
                }
            }
            None => match c {
                c if c.is_whitespace() => {
                    if let Some(s) = start.take() {
                        words.push(&line[s..i]);
                    }
                    continue;
                }
                '\'' | '"' => quote = Some(c),
                '\\' => {
                    chars.next();
                }
                '<' if line[i + 1..].starts_with('<') => {
                    chars.next();
                    while chars
                        .clone()
                        .next()
                        .is_some_and(|(_, b)| matches!(b, ' ' | '\t' | '\r'))
                    {
                        chars.next();
                    }
                }
                _ => {}
            },
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        words.push(&line[s..]);
    }
    words
}

/// Words after quote removal with the backslash lexer; `None` on an unterminated quote.
fn lex_words(s: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
                in_word = true;
            }
            '"' => {
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.peek().copied() {
                            None => {}
                            Some(n @ ('"' | '$' | '\\')) => {
                                word.push(n);
                                chars.next();
                            }
                            Some(_) => word.push('\\'),
                        },
                        c => word.push(c),
                    }
                }
                in_word = true;
            }
            '\\' => match chars.next() {
                None => break,
                Some(n) => {
                    word.push(n);
                    in_word = true;
                }
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// The name of a here-document: it is written bare after `<<` and as the terminator line,
/// so only letters, digits, `_`, `.` and `-` (not first).
pub fn heredoc_name(name: &str) -> Check {
    let ok = first_in(name, VARIABLE) && all_in(name, WORD);
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid heredoc name {}", show(name)))
            .help("use letters, digits and `_`, such as `EOF`"))
    }
}

/// A here-document's content: a heredoc body in which no line equals the name.
pub fn heredoc_content(name: &str, content: &str) -> Check {
    heredoc_body(content)?;
    if content.lines().any(|l| l == name) {
        return Err(Invalid::new(format!(
            "a line of the content is `{name}`, which would end the heredoc early"
        ))
        .help("choose another name"));
    }
    Ok(())
}

/// The directives BuildKit knows (`validDirectives`); any other key ends the directives.
const DIRECTIVE_KEYS: [&str; 3] = ["syntax", "escape", "check"];

/// Whether a comment line (`# key=value`) would be read as a parser directive at the top
/// of a file (BuildKit's `DirectiveParser.ParseLine`, for the keys it knows): the key in
/// lower case and the value.
pub fn directive_like(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('#')?;
    let (key, value) = directive_parts(rest.trim_start())?;
    let key = key.to_ascii_lowercase();
    DIRECTIVE_KEYS
        .contains(&key.as_str())
        .then(|| (key, value.to_owned()))
}

/// Where BuildKit's frontend finds directive `key` (`parser.ParseDirective`, and
/// `DetectSyntax` for `#` lines): what sets the build-check options (`check`) and picks the
/// frontend image (`syntax`). BuildKit's parser reads its directives after leading
/// whitespace; this reading does not: a line must start with `#`, so an indented
/// `# check=` line is the parser's directive and sets nothing. A first line that starts
/// with `#!` (a shebang) is passed over, where the parser stops at it. The 1-based line and
/// the value as written.
pub fn frontend_directive<'a>(text: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut seen = [false; DIRECTIVE_KEYS.len()];
    for (i, line) in text.split('\n').enumerate() {
        // bufio.ScanLines drops a `\r` before the line end.
        let line = line.strip_suffix('\r').unwrap_or(line);
        if i == 0 && line.starts_with("#!") {
            continue;
        }
        let (name, value) = directive_parts(line.strip_prefix('#')?.trim_start())?;
        // Any other key, or a second one of a key, ends the directives.
        let k = DIRECTIVE_KEYS
            .iter()
            .position(|k| name.eq_ignore_ascii_case(k))?;
        if std::mem::replace(&mut seen[k], true) {
            return None;
        }
        if name.eq_ignore_ascii_case(key) {
            return Some((i + 1, value));
        }
    }
    None
}

/// The whitespace of Go's regular expressions (`\s`): what BuildKit's directive pattern
/// allows around the `=` and after the value.
const GO_SPACE: [char; 5] = [' ', '\t', '\n', '\x0c', '\r'];

/// BuildKit's directive pattern, `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, on a comment's
/// text after the `#` and the whitespace after it: the key as written and the value.
fn directive_parts(text: &str) -> Option<(&str, &str)> {
    let key_len = text
        .bytes()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(text.len());
    let (key, rest) = text.split_at(key_len);
    if !key.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let rest = rest.trim_start_matches(GO_SPACE).strip_prefix('=')?;
    let value = rest.trim_matches(GO_SPACE);
    if !value.is_empty() {
        return Some((key, value));
    }
    // Only whitespace after the `=`: the lazy value takes its last character, which the
    // pattern needs one of (these characters are ASCII).
    let last = rest.len().checked_sub(1)?;
    rest.get(last..).map(|value| (key, value))
}

/// BuildKit's build-check options (`linter.ParseLintOptions`), as a `# check=` directive or
/// a `# check=` comment before an instruction sets them: `skip=A,B;error=true;experimental=C`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions<'a> {
    /// The rules `skip=` names (as written, trimmed; BuildKit knows no names to refuse).
    pub skip: Vec<&'a str>,
    /// `skip=all`.
    pub skip_all: bool,
    /// The rules `experimental=` names.
    pub experimental: Vec<&'a str>,
    /// `experimental=all`.
    pub experimental_all: bool,
    /// `error=`, when given.
    pub error: Option<bool>,
}

/// The value of a `check` directive or comment as BuildKit reads it: only up to its first
/// space (`skip=A,B because of X` skips `A` and `B`), then cut at `;` into at most three
/// options, the last taking the rest of the text (`skip=A;error=true;skip=B;x` skips only
/// `B;x`, a name no rule has). The error names what BuildKit refuses, as BuildKit does.
pub fn check_options(value: &str) -> Result<CheckOptions<'_>, String> {
    let value = value.split(' ').next().unwrap_or_default().trim();
    let mut options = CheckOptions::default();
    if value.is_empty() {
        return Ok(options);
    }
    for part in value.splitn(3, ';') {
        let Some((key, v)) = part.split_once('=') else {
            return Err(format!("invalid check option {}", show(part)));
        };
        let v = v.trim();
        match key.trim() {
            "skip" if v == "all" => options.skip_all = true,
            "skip" => options.skip = v.split(',').map(str::trim).collect(),
            "experimental" if v == "all" => options.experimental_all = true,
            "experimental" => options.experimental = v.split(',').map(str::trim).collect(),
            "error" => {
                let Some(error) = go_bool(v) else {
                    return Err(format!(
                        "failed to parse check option {}: {} is not a boolean",
                        show(part),
                        show(v)
                    ));
                };
                options.error = Some(error);
            }
            other => return Err(format!("invalid check option {}", show(other.trim()))),
        }
    }
    Ok(options)
}

/// Go's `strconv.ParseBool`: what a mount option (`ro=1`) and `# check=error=` take.
pub fn go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// What BuildKit keeps of a comment line for the instruction after it (the parser's
/// `PrevComment`): the line without its first byte, trimmed. An indented comment keeps its
/// `#`, so it is never read as a `check` comment.
pub fn prev_comment(line: &str) -> &str {
    // A first character of several bytes is no `#`: the comment then starts with
    // whitespace or a broken character, neither of which a directive starts with.
    line.get(1..).unwrap_or(line).trim()
}

/// The build-check options the comments right before an instruction set for it
/// (BuildKit's `WithMergedConfigFromComments`, on [`prev_comment`] texts since the last empty
/// comment): the first `check=` comment's, or none when BuildKit cannot read that one (it
/// then reads no other).
pub fn comment_check_options<'a>(comments: &[&'a str]) -> Option<CheckOptions<'a>> {
    let (_, value) = comments.iter().find_map(|c| check_comment(c))?;
    check_options(value).ok()
}

/// Whether BuildKit reads a comment right before an instruction (its [`prev_comment`] text)
/// as a `check=` comment, one it can read or not (one it cannot read still hides the ones
/// after it).
pub fn is_check_comment(comment: &str) -> bool {
    check_comment(comment).is_some()
}

fn check_comment(comment: &str) -> Option<(&str, &str)> {
    directive_parts(comment.trim_start()).filter(|(key, _)| key.eq_ignore_ascii_case("check"))
}

/// One element of an exec-form (JSON) array.
pub fn exec_arg(s: &str) -> Check {
    no_nul(s)
}

/// A value of a `--flag=value` word. BuildKit splits flags on whitespace, strips quotes and
/// backslashes, and reads them byte by byte (so non-ASCII text is mangled).
pub fn flag_value(s: &str) -> Check {
    flag_value_scanned(s, scan(s))
}

/// [`flag_value`] of a text whose byte classes are `found`.
fn flag_value_scanned(s: &str, found: u32) -> Check {
    if s.is_empty() {
        return Err(Invalid::new("the value is empty"));
    }
    if found & NOT_FLAG == 0 {
        // Only `${` can make the value unreadable now.
        return if found & DOLLAR == 0 {
            Ok(())
        } else {
            substitutions(s)
        };
    }
    if let Some(c) = s
        .chars()
        .find(|c| !c.is_ascii_graphic() || matches!(c, '"' | '\'' | '\\' | '`'))
    {
        let what = match c {
            '"' | '\'' => "a quote",
            '\\' | '`' => "an escape character",
            c if c.is_whitespace() => "whitespace",
            c if c.is_control() => "a control character",
            _ => "a non-ASCII character",
        };
        return Err(Invalid::new(format!(
            "{} contains {what}, which a Dockerfile flag cannot carry",
            show(s)
        )));
    }
    substitutions(s)
}

/// A file name from POSIX's portable set (letters, digits, `.`, `_`, `-`), not starting with
/// `-`, and not `.` or `..`: a name that a shell command, a path and a JSON array all carry
/// as written (the recipes put their binary's name in all three).
pub fn portable_file_name(name: &str) -> Check {
    if name.is_empty() {
        return Err(Invalid::new("the name is empty"));
    }
    let portable = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !portable || name.starts_with('-') || name == "." || name == ".." {
        return Err(
            Invalid::new(format!("{} is not a plain file name", show(name)))
                .help("use only letters, digits, `.`, `_` and `-`, and do not start with `-`"),
        );
    }
    Ok(())
}

/// Every instruction of the stable Dockerfile syntax, upper-case: `FROM`, then those of a
/// stage. The parser and the `dockerfile!` macro know these and suggest the closest one for
/// any other word.
pub const INSTRUCTIONS: [&str; 18] = [
    "FROM",
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "ENV",
    "LABEL",
    "ARG",
    "EXPOSE",
    "COPY",
    "ADD",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "MAINTAINER",
];

/// The flags an instruction takes, without the `--`, by its upper-case keyword: the parser
/// and the `dockerfile!` macro accept these and refuse any other with this list as the hint.
pub fn flags(keyword: &str) -> &'static [&'static str] {
    match keyword {
        "FROM" => &["platform"],
        "RUN" => &["mount", "network", "security"],
        "COPY" => &["from", "chown", "chmod", "link", "parents", "exclude"],
        "ADD" => &[
            "chown",
            "chmod",
            "link",
            "checksum",
            "keep-git-dir",
            "unpack",
            "exclude",
        ],
        "HEALTHCHECK" => &[
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries",
        ],
        _ => &[],
    }
}

/// Every `${` starts a substitution that BuildKit's shell-word lexer can read: `${NAME}`, or
/// `${NAME}` with a `-`, `+` or `?` modifier (optionally after `:`) and a word without
/// braces, quotes or escapes but for more such substitutions (`${A:-${B}}`). BuildKit runs
/// the lexer over the whole line of an instruction to find its heredocs, and a lexer error
/// there (`${`, `${}`, `${a!b}`) means it finds none: the heredoc body is then read as
/// instructions. Outside heredoc lines the same text fails the build when BuildKit
/// substitutes it. (`${A#p}`, `${A%p}` and `${A/a/b}` are left out: the oracle's parser,
/// BuildKit's of 2023, finds no heredoc after them.)
pub fn substitutions(s: &str) -> Check {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            match substitution_end(b, i, 0) {
                Some(end) => i = end,
                None => {
                    return Err(Invalid::new(format!(
                        "{} holds a malformed variable substitution, which BuildKit cannot read",
                        show(s)
                    ))
                    .help("write `${NAME}`, `$NAME` or `${NAME:-default}`"));
                }
            }
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Just past the `${...}` at `i` when [`substitutions`] takes it; `depth` counts the ones
/// around it (a bound, so that no input nests without end).
fn substitution_end(b: &[u8], i: usize, depth: usize) -> Option<usize> {
    if depth > 16 {
        return None;
    }
    let start = i + 2;
    let mut j = start;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    if j == start || b[start].is_ascii_digit() {
        return None;
    }
    if b.get(j) == Some(&b':') {
        j += 1;
    }
    let modifier = matches!(b.get(j), Some(b'-' | b'+' | b'?'));
    if modifier {
        j += 1;
        loop {
            match b.get(j)? {
                b'$' if b.get(j + 1) == Some(&b'{') => j = substitution_end(b, j, depth + 1)?,
                b'{' | b'}' | b'"' | b'\'' | b'\\' | b'`' => break,
                _ => j += 1,
            }
        }
    }
    let plain = b.get(j) == Some(&b'}') && (modifier || b[j - 1] != b':');
    plain.then_some(j + 1)
}

/// A value inside `--mount=...`: a flag value that is also a CSV field.
pub fn mount_value(s: &str) -> Check {
    let found = scan(s);
    flag_value_scanned(s, found)?;
    if found & COMMA != 0 {
        return Err(Invalid::new(format!(
            "{} contains a comma, which separates mount options",
            show(s)
        )));
    }
    Ok(())
}

/// A user or group name, a numeric id, or a variable.
/// `s.split_once(':')` by a plain loop: an owner is a few bytes, and the general search
/// cost five times the loop.
fn split_colon(s: &str) -> Option<(&str, &str)> {
    // The `:` of `${USER:-app}` is the substitution's: past a `{`, braces are counted.
    let first = s.bytes().position(|b| b == b':' || b == b'{')?;
    let at = if s.as_bytes()[first] == b'{' {
        outside_braces(s, ':', false)?
    } else {
        first
    };
    // `:` is ASCII, so both sides are on character boundaries.
    Some((s.get(..at)?, s.get(at + 1..)?))
}

fn owner_part(p: &str) -> bool {
    !p.is_empty() && (all_in(p, OWNER) || templated(p, |b| class(b) & OWNER != 0))
}

/// Whether `s` has variables, each `$NAME` (a name, not `$1` or `$$`) or a `${...}`
/// [`substitutions`] takes (`${USER:-app}`, `${P:-linux/amd64}`, `${U:+${U}}`), and every
/// byte outside them is one `literal` takes: BuildKit substitutes the variables before it
/// reads the value, so the build's values decide the rest.
fn templated(s: &str, literal: impl Fn(u8) -> bool) -> bool {
    // `STOPSIGNAL --x${X}` would be read as a flag.
    if s.starts_with('-') {
        return false;
    }
    let b = s.as_bytes();
    let (mut i, mut variables) = (0, false);
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            let Some(end) = substitution_end(b, i, 0) else {
                return false;
            };
            (i, variables) = (end, true);
        } else if b[i] == b'$'
            && b.get(i + 1)
                .is_some_and(|&c| class(c) & VARIABLE_START != 0)
        {
            // A name, not `$1` or `$$`: BuildKit gives those no value here.
            let name = b[i + 1..]
                .iter()
                .take_while(|&&c| class(c) & VARIABLE != 0)
                .count();
            (i, variables) = (i + 1 + name, true);
        } else if literal(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    variables
}

/// `--chown=user[:group]`: names or ids, or variables; `user:` means the user's group.
pub fn chown(s: &str) -> Check {
    flag_value(s)?;
    let ok = match split_colon(s) {
        Some((u, g)) => owner_part(u) && (g.is_empty() || owner_part(g)),
        None => owner_part(s),
    };
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid owner {}", show(s)))
            .help("write `user`, `user:group`, `uid` or `uid:gid`"))
    }
}

/// `USER user[:group]`.
pub fn user(s: &str) -> Check {
    let ok = match split_colon(s) {
        Some((u, g)) => owner_part(u) && owner_part(g),
        None => owner_part(s),
    };
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid user {}", show(s)))
            .help("write `user`, `user:group`, `uid` or `uid:gid`"))
    }
}

/// `--chmod=` in symbolic form: `u=rwX,go=rX`, `+x`, `g=u`; or a variable (`${MODE}`),
/// which BuildKit substitutes before reading the mode.
pub fn chmod_symbolic(s: &str) -> Check {
    if s.contains('$') {
        return flag_value(s);
    }
    let clause = |c: &str| {
        let ops = c.find(['+', '-', '=']);
        let Some(at) = ops else { return false };
        let (who, rest) = c.split_at(at);
        who.bytes().all(|b| matches!(b, b'u' | b'g' | b'o' | b'a'))
            && !rest.is_empty()
            && rest.bytes().all(|b| {
                matches!(
                    b,
                    b'+' | b'-'
                        | b'='
                        | b'r'
                        | b'w'
                        | b'x'
                        | b'X'
                        | b's'
                        | b't'
                        | b'u'
                        | b'g'
                        | b'o'
                )
            })
    };
    if !s.is_empty() && s.split(',').all(clause) {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid symbolic mode {}", show(s)))
            .help("write clauses like `u=rwX,go=rX` or `+x`, or use an octal mode"))
    }
}

/// An octal mode: at most `0o7777`.
pub fn chmod_octal(mode: u32) -> Check {
    if mode <= 0o7777 {
        Ok(())
    } else {
        Err(Invalid::new(format!("mode {mode:o} is not a file mode")).help("use at most 0o7777"))
    }
}

/// STOPSIGNAL: `SIGTERM`, `TERM`, `SIGRTMIN+3`, a number, or a variable.
pub fn signal(s: &str) -> Check {
    let valid = if s.contains('$') {
        variable_reference(s)
            || templated(s, |b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-'))
    } else if let Ok(n) = s.parse::<u16>() {
        (1..=64).contains(&n)
    } else {
        SIGNALS.contains(&s.strip_prefix("SIG").unwrap_or(s))
    };
    if valid {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid signal {}", show(s))).help(
            "write a Linux signal's name such as `SIGTERM` or `SIGRTMIN+3`, or a number from 1 to 64",
        ))
    }
}

/// Whether BuildKit takes `s` as a stop signal (moby's `signal.ParseSignal` on Linux, where
/// the frontend runs): a number other than 0, or a name of [`SIGNALS`] in any case, with or
/// without `SIG`. [`signal`] takes the canonical spelling only, and numbers up to 64.
pub fn signal_buildkit_takes(s: &str) -> bool {
    // Rust's integer parsing is Go's `strconv.Atoi`: an optional sign, then digits; a
    // number too long for it is looked up as a name, and found nowhere, as in Go.
    if let Ok(n) = s.parse::<i64>() {
        return n != 0;
    }
    let upper = s.to_ascii_uppercase();
    SIGNALS.contains(&upper.strip_prefix("SIG").unwrap_or(&upper))
}

/// The signal names BuildKit knows on Linux (moby/sys's `SignalMap`), without `SIG`.
const SIGNALS: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL",
    "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP",
    "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMIN+1",
    "RTMIN+2", "RTMIN+3", "RTMIN+4", "RTMIN+5", "RTMIN+6", "RTMIN+7", "RTMIN+8", "RTMIN+9",
    "RTMIN+10", "RTMIN+11", "RTMIN+12", "RTMIN+13", "RTMIN+14", "RTMIN+15", "RTMAX-14", "RTMAX-13",
    "RTMAX-12", "RTMAX-11", "RTMAX-10", "RTMAX-9", "RTMAX-8", "RTMAX-7", "RTMAX-6", "RTMAX-5",
    "RTMAX-4", "RTMAX-3", "RTMAX-2", "RTMAX-1", "RTMAX",
];

/// `$NAME` or `${NAME}` and nothing else.
fn variable_reference(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('$') else {
        return false;
    };
    let name = rest
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(rest);
    variable_name(name).is_ok()
}

/// Names of the variables a string refers to with `$NAME` or `${NAME...}`.
pub fn variables(s: &str) -> Vec<&str> {
    variables_after(s, None)
}

/// [`variables`] of text as BuildKit expands a heredoc's body (`ExpandRaw`): quotes are
/// text, and a backslash takes the next character literally (`\$HOME` is no variable).
pub fn body_variables(s: &str) -> Vec<&str> {
    variables_after(s, Some('\\'))
}

fn variables_after(s: &str, escape: Option<char>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if Some(c) == escape {
            chars.next();
            continue;
        }
        if c != '$' {
            continue;
        }
        // `${NAME...}`: the name starts after the brace.
        let _ = chars.next_if(|&(_, c)| c == '{');
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        let end = name_end(s, start);
        if end > start {
            out.push(&s[start..end]);
        }
        while chars.next_if(|&(j, _)| j < end).is_some() {}
    }
    out
}

/// A shell special parameter's character (`$@`, `$$`, `$?`, ...): BuildKit's `processName`
/// reads it as a whole name of one character, after which nothing continues the name.
pub fn special_parameter(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!')
}

/// Where the variable name starting at `start` ends, as BuildKit's lexer reads one
/// (`processName`): digits only when it starts with one (`$44ab` is `$44`), one character
/// for a special parameter (`$$`, `$?`, `$@`, `$*`, `$#`, `$-`, `$!`), else letters, digits
/// and `_` (`$é` too).
fn name_end(s: &str, start: usize) -> usize {
    let rest = &s[start..];
    let Some(first) = rest.chars().next() else {
        return start;
    };
    let len = if first.is_ascii_digit() {
        rest.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len())
    } else if special_parameter(first) {
        1
    } else {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    };
    start + len
}

/// `--platform=os/arch[/variant]`, or a variable such as `$BUILDPLATFORM`.
pub fn platform(s: &str) -> Check {
    if s.contains('$') {
        return if variable_reference(s) || templated(s, |b| class(b) & PLATFORM != 0 || b == b'/') {
            Ok(())
        } else {
            Err(Invalid::new(format!("invalid platform {}", show(s)))
                .help("write `$BUILDPLATFORM`, `$TARGETPLATFORM` or `os/arch[/variant]`"))
        };
    }
    let ok = (2..=3).contains(&s.split('/').count())
        && s.split('/').all(|p| !p.is_empty() && all_in(p, PLATFORM));
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid platform {}", show(s)))
            .help("write `os/arch[/variant]`, such as `linux/amd64` or `linux/arm/v7`"))
    }
}

/// The parts of an image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageParts<'a> {
    pub registry: Option<&'a str>,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Parses `[registry[:port]/]path[:tag][@algorithm:hex]` with the grammar of
/// `distribution/reference`. References with variables (`${BASE}:1`) are accepted when
/// some value of the variables makes a reference and the rest is well-formed; their parts
/// are what the text says before substitution.
pub fn image(s: &str) -> Result<ImageParts<'_>, Invalid> {
    let fail = |why: &str| image_refused(s, why);
    if s.is_empty() {
        return Err(fail("it is empty"));
    }
    if s.len() > 4096 {
        return Err(fail("it is too long"));
    }
    // A leading `-` is never part of a reference; a templated one (`--$X`) would otherwise
    // pass the template check and be read by BuildKit as a flag of `FROM`.
    if s.starts_with('-') {
        return Err(fail(
            "it starts with `-`, which BuildKit would read as a flag",
        ));
    }
    if s == "scratch" {
        return Err(Invalid::new("`scratch` is not an image")
            .help("use `Stage::from_scratch` for an empty base"));
    }
    if !s.contains('$') {
        return image_shape(s, false);
    }
    // With variables, BuildKit checks the reference once they are substituted: it is one
    // when some value of them makes one (the automaton of `reference` decides), and the
    // shape's checks, which read each part on its own, say why it is not.
    let shape = image_shape(s, true);
    let Some(parts) = template_parts(s) else {
        return shape;
    };
    let texts: Vec<reference::Part<'_>> = parts.iter().map(|&(_, p)| p).collect();
    match (reference::possible(&texts), shape) {
        (Ok(()), Ok(p)) => Ok(p),
        // The shape's checks cut the text at `:` and `/`, which an IPv6 host's brackets
        // hold: `${OPEN}::1]/app` is `[::1]/app` with `OPEN=[`. (They also check what the
        // automaton does not, such as a digest's length, so it overrules them only here.)
        // (Visible text only: a space or a quote would cut or change the `FROM` word.)
        (Ok(()), Err(_))
            if s.contains(['[', ']'])
                && s.bytes().all(|c| !c.is_ascii() || c.is_ascii_graphic())
                && !s.contains(['"', '\'', '\\', '`']) =>
        {
            Ok(ImageSplit::of(s).parts())
        }
        (_, Err(e)) => Err(e),
        (Err(reference::Stuck::At { part, offset }), Ok(_)) => {
            let at = parts.get(part).map_or(0, |&(start, _)| start) + offset;
            Err(image_refused_at(
                s,
                at,
                "whatever its variables hold, no image reference has it here",
            ))
        }
        (Err(reference::Stuck::End), Ok(_)) => Err(fail(
            "whatever its variables hold, no image reference ends as it does",
        )),
    }
}

/// `[registry[:port]/]path[:tag][@digest]` cut at its `@`, its tag's `:` and the `/` after
/// a registry, outside `${...}`; nothing checked.
struct ImageSplit<'a> {
    name: &'a str,
    digest: Option<&'a str>,
    /// The name without the tag.
    path_part: &'a str,
    tag: Option<&'a str>,
    registry: Option<&'a str>,
    /// Where the repository starts in `path_part`.
    repo_start: usize,
}

impl<'a> ImageSplit<'a> {
    fn of(s: &'a str) -> Self {
        let (name, digest) = match outside_braces(s, '@', false) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        // The tag is after the last `:` that comes after the last `/` (outside `${...}`).
        let last_slash = outside_braces(name, '/', true).map_or(0, |i| i + 1);
        let (path_part, tag) = match outside_braces(&name[last_slash..], ':', true) {
            Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
            None => (name, None),
        };
        // A first component followed by another one is a registry when it looks like a
        // host: as distribution's `splitDockerDomain` tells, one with `.` or `:`,
        // `localhost`, or an upper-case letter (a host name's case does not matter; a
        // repository's does).
        // (The letters of a variable's name are not the value's: `${REG}/app` names none.)
        let first = outside_braces(path_part, '/', false).map(|i| &path_part[..i]);
        let (registry, repo_start) = match first {
            Some(first)
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || upper_case_outside_variables(first) =>
            {
                (Some(first), first.len() + 1)
            }
            _ => (None, 0),
        };
        ImageSplit {
            name,
            digest,
            path_part,
            tag,
            registry,
            repo_start,
        }
    }

    fn parts(&self) -> ImageParts<'a> {
        ImageParts {
            registry: self.registry,
            repository: &self.path_part[self.repo_start..],
            tag: self.tag,
            digest: self.digest,
        }
    }
}

/// The refusal of image reference `s`, saying `why`.
fn image_refused(s: &str, why: &str) -> Invalid {
    Invalid::new(format!("invalid image reference {}: {why}", show(s)))
        .help("write `[registry/]repository[:tag][@sha256:digest]`, such as `alpine:3.20` or `ghcr.io/org/app:1.2`")
}

/// The refusal of image reference `s` for the character at byte `at`, shown with its
/// position (from 1, in characters).
fn image_refused_at(s: &str, at: usize, why: &str) -> Invalid {
    let shown = s
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or_else(String::new, show_char);
    let position = s.get(..at).map_or(0, |before| before.chars().count()) + 1;
    image_refused(s, &format!("{shown} at position {position}: {why}"))
}

/// The checks of each part of image reference `s` (with variables: `templated`).
fn image_shape(s: &str, templated: bool) -> Result<ImageParts<'_>, Invalid> {
    let char_at = |at: usize, why: &str| image_refused_at(s, at, why);
    let split = ImageSplit::of(s);
    let (name, digest, path_part, tag) = (split.name, split.digest, split.path_part, split.tag);
    if let Some(d) = digest {
        digest_ok(d, templated).map_err(|why| char_at(name.len(), why))?;
    }
    if let Some(t) = tag {
        let tag_at = path_part.len() + 1;
        if templated && t.contains('$') {
            if !template_ok(t) {
                return Err(char_at(tag_at - 1, "the tag after it is not valid"));
            }
        } else if t.len() <= 128 && first_in(t, VARIABLE) && all_in(t, WORD) {
            // A valid tag, told by the byte table.
        } else if t.is_empty() {
            return Err(char_at(tag_at - 1, "the tag after it is empty"));
        } else if t.len() > 128 {
            return Err(char_at(
                tag_at - 1,
                "the tag after it is longer than 128 characters",
            ));
        } else if let Some((i, _)) = t
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        {
            return Err(char_at(
                tag_at + i,
                "a tag has letters, digits, `_`, `.` and `-` only",
            ));
        } else if !t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            return Err(char_at(
                tag_at,
                "a tag starts with a letter, a digit or `_`",
            ));
        }
    }
    let (registry, repo_start) = (split.registry, split.repo_start);
    if let Some(r) = registry {
        if !(templated && template_ok(r)) {
            if let Some((i, why)) = host_problem(r) {
                return Err(char_at(i, why));
            }
        }
    }
    let repository = &path_part[repo_start..];
    let mut at = repo_start;
    for component in split_outside_braces(repository, '/') {
        if !(templated && component.contains('$') && template_ok(component)) {
            if let Some((i, why)) = path_component_problem(component) {
                // An empty component is shown by the `/` before it (or the first one).
                let i = match (component.is_empty(), at < path_part.len()) {
                    (false, _) => at + i,
                    (true, true) => at,
                    (true, false) => at.saturating_sub(1),
                };
                let mut e = char_at(i, why);
                if why == UPPER_CASE {
                    let lower = lower_case_outside_variables(s);
                    if image(&lower).is_ok() {
                        e.help = Some(format!("use {}", show(&lower)));
                    }
                }
                return Err(e);
            }
        }
        at += component.len() + 1;
    }
    Ok(ImageParts {
        registry,
        repository,
        tag,
        digest,
    })
}

/// Whether some value of the variables of image reference `template` makes it `text` (a
/// stage's name, which BuildKit takes over an image of that name).
pub fn template_could_be(template: &str, text: &str) -> bool {
    template_parts(template).is_some_and(|parts| {
        let parts: Vec<reference::Part<'_>> = parts.into_iter().map(|(_, p)| p).collect();
        reference::could_be(&parts, text)
    })
}

/// Whether `s` has an upper-case letter outside its variables.
fn upper_case_outside_variables(s: &str) -> bool {
    if !s.contains('$') {
        return s.bytes().any(|b| b.is_ascii_uppercase());
    }
    template_parts(s).is_none_or(|parts| {
        parts.iter().any(|(_, p)| match p {
            reference::Part::Text(t) => t.bytes().any(|b| b.is_ascii_uppercase()),
            reference::Part::Unknown => false,
        })
    })
}

/// `s` in lower case, but for its variables (`${REG}/App` is `${REG}/app`).
fn lower_case_outside_variables(s: &str) -> String {
    let Some(parts) = template_parts(s) else {
        return s.to_ascii_lowercase();
    };
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for (start, part) in parts {
        out.push_str(&s[copied..start]);
        match part {
            reference::Part::Text(t) => out.push_str(&t.to_ascii_lowercase()),
            reference::Part::Unknown => {}
        }
        copied = start
            + if let reference::Part::Text(t) = part {
                t.len()
            } else {
                0
            };
    }
    out.push_str(&s[copied..]);
    out
}

/// A reference with variables cut into literal text and the variables' values, as
/// BuildKit's lexer reads `$NAME`, `${...}` (a modifier's word may hold more:
/// `${REG:+${REG}/}`, [`braced_end`]), `$1` and `$@` ([`name_end`]; a `$` before anything
/// else is text), each with its byte offset in `s`. `None` for a `${` without its `}`, or
/// `${}`, which BuildKit cannot expand.
fn template_parts(s: &str) -> Option<Vec<(usize, reference::Part<'_>)>> {
    let b = s.as_bytes();
    let mut parts = Vec::new();
    let (mut text_start, mut i) = (0, 0);
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let end = if b.get(i + 1) == Some(&b'{') {
            let end = braced_end(b, i)?;
            if !substitution_head_ok(&b[i + 2..end - 1]) {
                return None;
            }
            end
        } else {
            match name_end(s, i + 1) {
                // No name: the `$` is text.
                end if end == i + 1 => {
                    i += 1;
                    continue;
                }
                end => end,
            }
        };
        if text_start < i {
            parts.push((text_start, reference::Part::Text(&s[text_start..i])));
        }
        parts.push((i, reference::Part::Unknown));
        (text_start, i) = (end, end);
    }
    if text_start < s.len() {
        parts.push((text_start, reference::Part::Text(&s[text_start..])));
    }
    Some(parts)
}

/// Whether what is inside `${...}` starts as BuildKit's lexer (`processDollar`) reads a
/// substitution: a name (letters, digits and `_`; a run of digits; or one of the special
/// parameters `@*#?-$!0`), possibly empty before a modifier, then the end or a modifier
/// (`-`, `+`, `?`, each after an optional `:`, or `#`, `%`, `/`). `${}`, `${ }`, `${:x}`,
/// `${A:1}`, `${A B}` are refused by BuildKit and fail the build.
fn substitution_head_ok(inner: &[u8]) -> bool {
    let Ok(inner) = std::str::from_utf8(inner) else {
        return false;
    };
    let mut chars = inner.chars().peekable();
    match chars.peek() {
        None | Some('{' | '}' | ':') => return false,
        Some(c) if c.is_ascii_digit() => while chars.next_if(char::is_ascii_digit).is_some() {},
        Some('@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') => {
            chars.next();
        }
        Some(_) => {
            while chars
                .next_if(|c| c.is_alphanumeric() || *c == '_')
                .is_some()
            {}
        }
    }
    match chars.next() {
        None | Some('-' | '+' | '?' | '#' | '%' | '/') => true,
        Some(':') => matches!(chars.next(), Some('-' | '+' | '?')),
        Some(_) => false,
    }
}

/// Just past the `}` that ends the `${` at `i`, as BuildKit's lexer reads it: the word of a
/// modifier (`${REG:+${REG}/}`) is read to the first `}` that ends no `${` inside it (a
/// bare `{` opens nothing). `None` when that `}` is missing.
fn braced_end(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'$' if b.get(j + 1) == Some(&b'{') => {
                depth += 1;
                j += 2;
                continue;
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// A character for a message: `a`, or a space or control character by name.
fn show_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        c if c.is_control() => format!("{c:?}"),
        c => format!("`{c}`"),
    }
}

const UPPER_CASE: &str = "repository names are lower-case";

/// What breaks a repository path component (`[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`):
/// the byte offset of the first offending character in it, and why.
fn path_component_problem(c: &str) -> Option<(usize, &'static str)> {
    if c.is_empty() {
        return Some((0, "a path component is empty"));
    }
    for (i, ch) in c.char_indices() {
        if ch.is_ascii_uppercase() {
            return Some((i, UPPER_CASE));
        }
        if ch == ':' {
            return Some((i, "only one `:` separates the tag (or a registry's port)"));
        }
        if !(ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '_' | '-')) {
            return Some((
                i,
                "a repository name has lower-case letters, digits, `.`, `_` and `-` only",
            ));
        }
    }
    if path_component_ok(c) {
        return None;
    }
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let b = c.as_bytes();
    if !alnum(b[0]) {
        return Some((0, "a path component starts with a letter or digit"));
    }
    if !alnum(b[b.len() - 1]) {
        return Some((b.len() - 1, "a path component ends with a letter or digit"));
    }
    // A run of separators other than `.`, `_`, `__` or dashes.
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &b[start..i];
        let ok = sep == b"." || sep == b"_" || sep == b"__" || sep.iter().all(|&x| x == b'-');
        if !ok {
            return Some((
                start,
                "letters and digits are separated by one `.`, one or two `_`, or dashes",
            ));
        }
    }
    None
}

/// The host of a registry `host[:port]`: `ghcr.io` of `ghcr.io:443`, and `[::1]` of
/// `[::1]:5000`: an IPv6 address is written in brackets (distribution's reference grammar),
/// so its colons are not the port's.
pub fn registry_host(r: &str) -> &str {
    match r.strip_prefix('[').and_then(|inside| inside.find(']')) {
        Some(end) => &r[..end + 2],
        None => r.rsplit_once(':').map_or(r, |(h, _)| h),
    }
}

/// What breaks a registry `host[:port]`: the byte offset of the first offending character,
/// and why.
fn host_problem(r: &str) -> Option<(usize, &'static str)> {
    let host = registry_host(r);
    let problem = match host.strip_prefix('[') {
        Some(bracketed) => ipv6_problem(bracketed),
        None => host_name_problem(host),
    };
    if problem.is_some() {
        return problem;
    }
    let rest = &r[host.len()..];
    if rest.is_empty() {
        return None;
    }
    // Only after an IPv6 address can anything but `:port` follow the host.
    let Some(p) = rest.strip_prefix(':') else {
        return Some((
            host.len(),
            "only a `:` and a port may follow the IPv6 address",
        ));
    };
    let port_at = host.len() + 1;
    if p.is_empty() {
        return Some((host.len(), "the port after it is empty"));
    }
    if let Some((i, _)) = p.char_indices().find(|&(_, c)| !c.is_ascii_digit()) {
        return Some((port_at + i, "a registry's port has digits only"));
    }
    if p.len() > 5 {
        return Some((host.len(), "the port after it has more than 5 digits"));
    }
    None
}

/// What breaks `[address]` (given without its `[`): hexadecimal digits and `:` in brackets.
fn ipv6_problem(bracketed: &str) -> Option<(usize, &'static str)> {
    let Some(address) = bracketed.strip_suffix(']') else {
        return Some((0, "an IPv6 address is written in brackets: `[::1]`"));
    };
    if address.is_empty() {
        return Some((1, "the IPv6 address in brackets is empty"));
    }
    address
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_hexdigit() || c == ':'))
        .map(|(i, _)| (1 + i, "an IPv6 address has hexadecimal digits and `:` only"))
}

/// What breaks a host name: dot-separated labels of letters, digits and inner `-`.
fn host_name_problem(host: &str) -> Option<(usize, &'static str)> {
    let mut at = 0;
    for label in host.split('.') {
        if label.is_empty() {
            return Some((at, "a part of the registry's host name is empty"));
        }
        if let Some((i, _)) = label
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-'))
        {
            return Some((
                at + i,
                "a registry's host name has letters, digits, `-` and `.` only",
            ));
        }
        if label.starts_with('-') {
            return Some((at, "a part of a host name starts with a letter or digit"));
        }
        if label.ends_with('-') {
            return Some((
                at + label.len() - 1,
                "a part of a host name ends with a letter or digit",
            ));
        }
        at += label.len() + 1;
    }
    None
}

/// The first (or last) position of `c` that is not inside `${...}`.
fn outside_braces(s: &str, c: char, last: bool) -> Option<usize> {
    // Without braces, every position is outside them.
    if !s.bytes().any(|b| b == b'{' || b == b'}') {
        return if last { s.rfind(c) } else { s.find(c) };
    }
    let mut depth = 0i32;
    let mut found = None;
    for (i, ch) in s.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if ch == c && depth == 0 => {
                found = Some(i);
                if !last {
                    break;
                }
            }
            _ => {}
        }
    }
    found
}

/// `s` cut at each `c` outside `${...}` (a substitution's `/` is not a path's).
fn split_outside_braces(s: &str, c: char) -> impl Iterator<Item = &str> {
    let mut depth = 0i32;
    s.split(move |ch: char| {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        ch == c && depth == 0
    })
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn path_component_ok(c: &str) -> bool {
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let b = c.as_bytes();
    if !b.first().is_some_and(alnum) || !b.last().is_some_and(alnum) {
        return false;
    }
    // Most components are letters and digits only.
    if all_in(c, LOWER_ALNUM) {
        return true;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(&b[i]) {
            i += 1;
            continue;
        }
        // A separator: `.`, `_`, `__`, or a run of `-`, between alphanumerics.
        let start = i;
        while i < b.len() && matches!(b[i], b'.' | b'_' | b'-') {
            i += 1;
        }
        let sep = &b[start..i];
        let ok = sep == b"."
            || sep == b"_"
            || sep == b"__"
            || (!sep.is_empty() && sep.iter().all(|&x| x == b'-'));
        if !ok {
            return false;
        }
    }
    true
}

fn digest_ok(d: &str, templated: bool) -> Result<(), &'static str> {
    if templated && d.contains('$') {
        return if template_ok(d) {
            Ok(())
        } else {
            Err("the digest is not valid")
        };
    }
    let Some((algo, hex)) = d.split_once(':') else {
        return Err("a digest is `algorithm:hex`, such as `sha256:` and 64 hex digits");
    };
    let algo_ok = algo.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && algo.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'.' | b'_' | b'-')
        });
    let hex_ok = hex.len() >= 32
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !algo_ok || !hex_ok {
        return Err("the digest is not valid");
    }
    if algo == "sha256" && hex.len() != 64 {
        return Err("a sha256 digest has 64 hex digits");
    }
    // The reference's shape holds; BuildKit then reads the digest with go-digest.
    go_digest(d)
}

/// Text with `${VAR}`/`$VAR` references and otherwise reference-safe characters. Inside
/// `${...}` the modifiers of BuildKit's substitution (`${V:-x}`, `${V#p}`, `${V/a/b}`) may
/// use any visible character, and more references (`${REG:+${REG}/}`).
fn template_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'{' if i > 0 && b[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            // A modifier's word is text the reference may never use (`${T:-é}` with `T`
            // set): anything visible, quotes and backslashes aside.
            _ if depth > 0
                && (c.is_ascii_graphic() || !c.is_ascii())
                && !matches!(c, b'"' | b'\'' | b'\\') => {}
            _ if c.is_ascii_alphanumeric()
                || matches!(c, b'.' | b'_' | b'-' | b'$' | b':' | b'/' | b'+' | b'@') => {}
            _ => return false,
        }
    }
    depth == 0 && !s.is_empty()
}

/// `EXPOSE` port from a variable: `$PORT`, `${PORT:-80}`, nothing else around it.
pub fn port_variable(s: &str) -> Check {
    if s.starts_with('$') && template_ok(s) {
        Ok(())
    } else {
        Err(Invalid::new(format!("invalid port variable {}", show(s)))
            .help("write `$NAME` or `${NAME}`"))
    }
}

/// Whether a name the model refuses is still written back as it was read: not blank,
/// visible ASCII without quotes, escape characters, `$` or `=` (`ENV a-b=1`, `ARG 0`), and
/// not starting with `-` (written first on its own line, `--x` would read as a flag).
pub fn bare_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\' | b'`' | b'$' | b'=')
        })
}

/// `# check=` rule names: PascalCase words.
pub fn check_rule(name: &str) -> Check {
    let ok = name.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
        && name.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(
            Invalid::new(format!("invalid build check name {}", show(name)))
                .help("build checks are named in PascalCase, such as `JSONArgsRecommended`"),
        )
    }
}

/// The parts of an `EXPOSE` port: `80`, `53/udp`, `8000-8010/tcp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortParts<'a> {
    pub start: u16,
    pub end: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: &'a str,
}

/// `PORT[/PROTOCOL]` or `START-END[/PROTOCOL]`, the protocol in lower case.
pub fn port(s: &str) -> Result<PortParts<'_>, Invalid> {
    let bad = || {
        Invalid::new(format!("invalid port {}", show(s))).help(
            "write `PORT[/PROTOCOL]` or `START-END[/PROTOCOL]`, with protocol tcp, udp or sctp",
        )
    };
    let (ports, protocol) = match s.split_once('/') {
        Some((p, proto @ ("tcp" | "udp" | "sctp"))) => (p, proto),
        Some(_) => return Err(bad()),
        None => (s, "tcp"),
    };
    let num = |t: &str| {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<u16>().ok()
    };
    let (start, end) = match ports.split_once('-') {
        Some((a, b)) => (num(a).ok_or_else(bad)?, num(b).ok_or_else(bad)?),
        None => {
            let p = num(ports).ok_or_else(bad)?;
            (p, p)
        }
    };
    port_range(start, end)?;
    Ok(PortParts {
        start,
        end,
        protocol,
    })
}

/// Whether BuildKit's `EXPOSE` takes `s`, a word after expansion: `[[IP:]HOST:]PORT[/PROTO]`
/// with `PORT` and `HOST` a number or a range `START-END` (0 to 65535), the protocol tcp,
/// udp or sctp in any case, and the IP an IPv4 or IPv6 address (bracketed or not). A host
/// part is accepted (with a warning): it is read, and must read as BuildKit reads it
/// (`parsePort` in dockerfile2llb's `convert_expose.go`). The model's [`port`] is narrower.
pub fn exposed_port(s: &str) -> Check {
    let bad = |why: String| {
        Invalid::new(format!("invalid port {} in EXPOSE: {why}", show(s))).help(
            "write `PORT[/PROTOCOL]` or `START-END[/PROTOCOL]`: numbers from 0 to 65535, \
             protocol tcp, udp or sctp",
        )
    };
    // `ip:host:container`, the IP with any colons of its own.
    let mut parts: Vec<&str> = s.split(':').collect();
    let container = parts.pop().unwrap_or_default();
    let host = parts.pop();
    let ip = parts.join(":");
    let (container, proto) = container.split_once('/').unwrap_or((container, ""));
    if container.is_empty() {
        return Err(bad("no port before the protocol".into()));
    }
    if !matches!(
        proto.to_ascii_lowercase().as_str(),
        "" | "tcp" | "udp" | "sctp"
    ) || !proto.is_ascii()
    {
        return Err(bad(format!("unknown protocol {}", show(proto))));
    }
    if !ip.is_empty() {
        // Brackets only around the whole address (Go's `net.SplitHostPort`).
        let inner = match ip.strip_prefix('[') {
            Some(rest) => match rest.strip_suffix(']') {
                Some(inner) if !inner.contains(['[', ']']) => inner,
                _ => return Err(bad(format!("invalid IP address {}", show(&ip)))),
            },
            None => ip.as_str(),
        };
        if inner.parse::<std::net::IpAddr>().is_err() {
            return Err(bad(format!("invalid IP address {}", show(inner))));
        }
    }
    let (start, end) = exposed_range(container)
        .ok_or_else(|| bad(format!("invalid container port {}", show(container))))?;
    if let Some(host) = host.filter(|h| !h.is_empty()) {
        let (host_start, host_end) =
            exposed_range(host).ok_or_else(|| bad(format!("invalid host port {}", show(host))))?;
        // A host range goes with a container range of the same length, or a single port.
        if end - start != host_end - host_start && end != start {
            return Err(bad(format!(
                "the ranges {container} and {host} differ in length"
            )));
        }
    }
    Ok(())
}

/// A port or range as BuildKit's `parsePortRange` reads it: split at the first `-`, each
/// side a decimal number (Go's `strconv.ParseInt`: an optional sign) from 0 to 65535, the
/// end not before the start; `80-80` is one port.
fn exposed_range(s: &str) -> Option<(i64, i64)> {
    // Rust's integer parsing reads what `strconv.ParseInt` does (a sign, then digits); a
    // number too long for `i64` is out of range for Go too.
    let number = |t: &str| t.parse::<i64>().ok().filter(|n| (0..=65535).contains(n));
    let start = number(s.split('-').next().unwrap_or_default())?;
    match s.split_once('-') {
        None => Some((start, start)),
        Some((a, b)) if a == b => Some((start, start)),
        Some((_, b)) => {
            let end = number(b)?;
            (end >= start).then_some((start, end))
        }
    }
}

/// `ADD --checksum=checksum` with these sources (`convert_copy.go`): BuildKit verifies one
/// download, so it takes exactly one path (a heredoc is none), a URL or a Git repository,
/// and for a URL a digest it can compute. `paths` are the sources as the build sees them; a
/// value with a variable is the build's to give, and a word BuildKit's Git reader might
/// take (`ssh://`, `git://`, `github.com/...`, `user@host:...`) is left to it: only what
/// BuildKit refuses whatever the build holds is refused here.
pub fn checksum_sources<S: AsRef<str>>(checksum: &str, paths: &[S]) -> Check {
    checksum_sources_with(checksum, paths, |c| {
        go_digest(c).map_err(|why| checksum_digest_invalid(c, why))
    })
}

/// [`checksum_sources`] with the digest check given (validation remembers the checksums
/// that passed it, as a Dockerfile's stages share them).
pub(crate) fn checksum_sources_with<S: AsRef<str>>(
    checksum: &str,
    paths: &[S],
    digest: impl FnOnce(&str) -> Check,
) -> Check {
    let [one] = paths else {
        return Err(Invalid::new(format!(
            "`--checksum` needs exactly one source, not {}",
            paths.len()
        ))
        .help("write one `ADD --checksum=...` for each download"));
    };
    let one = one.as_ref();
    if one.contains('$') {
        return Ok(());
    }
    match source_kind(one) {
        SourceKind::Local => Err(Invalid::new(format!(
            "`--checksum` needs a URL or a Git source, not {}",
            show(one)
        ))
        .help(
            "BuildKit verifies the checksum of a download: drop `--checksum` for a local file, \
             or add the file by its URL",
        )),
        SourceKind::Http if !checksum.contains('$') => digest(checksum),
        _ => Ok(()),
    }
}

/// BuildKit's refusal of a download's checksum that go-digest cannot read.
pub(crate) fn checksum_digest_invalid(checksum: &str, why: &str) -> Invalid {
    Invalid::new(format!(
        "invalid `--checksum` {} for a download: {why}",
        show(checksum)
    ))
    .help("write `sha256:` and the 64 hex digits of the file's SHA-256 (or sha384, sha512)")
}

/// A `COPY` source: BuildKit refuses a URL or a Git repository there (`ADD` downloads
/// them). Refused: what starts `http://` or `https://` (a URL, or a repository when it ends
/// in `.git`) and Git's `user@host:path`, which BuildKit reads as a repository whatever
/// follows; a value with a variable is the build's.
#[inline]
pub fn copy_source(src: &str) -> Check {
    // A URL and `user@host:path` have a `:`; most paths have none. A byte loop: paths are
    // short, and `memchr`'s setup costs more than it saves on them.
    if src.bytes().any(|b| b == b':') {
        copy_source_with_colon(src)
    } else {
        Ok(())
    }
}

#[cold]
fn copy_source_with_colon(src: &str) -> Check {
    let fetched = src.starts_with("http://") || src.starts_with("https://") || scp_like(src);
    if fetched && !src.contains('$') {
        Err(Invalid::new(format!(
            "COPY cannot fetch {}: BuildKit refuses a URL or a Git repository as its source",
            show(src)
        ))
        .help("use ADD, which downloads a URL and clones a Git repository"))
    } else {
        Ok(())
    }
}

/// Whether BuildKit may read an `ADD` source as a download or a Git repository (and not
/// as a file of the build context).
pub fn remote_source(src: &str) -> bool {
    source_kind(src) != SourceKind::Local
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    /// A file of the build context (or what BuildKit cannot read otherwise).
    Local,
    /// A download: `http://` or `https://`, and not a Git repository.
    Http,
    /// A Git repository, or what may be one.
    Git,
}

/// How BuildKit reads an `ADD` source (`isHTTPSource`, `isGitSource`): a URL whose path
/// ends in `.git` is a repository, other `http(s)://` URLs are downloads; `ssh://`,
/// `git://`, `github.com/` and `user@host:path` may be repositories; another `scheme://`,
/// or none, is a local path.
fn source_kind(src: &str) -> SourceKind {
    if let Some(rest) = src
        .strip_prefix("http://")
        .or_else(|| src.strip_prefix("https://"))
    {
        return if url_path_ends_with_git(rest) {
            SourceKind::Git
        } else {
            SourceKind::Http
        };
    }
    if !src.contains(':') {
        return if src.starts_with("github.com/") {
            SourceKind::Git
        } else {
            SourceKind::Local
        };
    }
    let scheme = src
        .split_once("://")
        .map(|(p, _)| p)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let scp = scp_like(src);
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        // `HTTPS://...` is a repository when its path ends in `.git`: left to BuildKit.
        Some("http" | "https" | "ssh" | "git") => SourceKind::Git,
        Some(_) => SourceKind::Local,
        None if scp || src.starts_with("github.com/") => SourceKind::Git,
        None => SourceKind::Local,
    }
}

/// Whether the path of an `http(s)://` URL (`rest`, what follows the `//`) ends in `.git`,
/// as Go's `url.Parse` gives it to BuildKit's `ParseGitRef`: the path starts after the host
/// (`https://host.git` has none), ends at the query or the fragment, and is compared
/// percent-decoded (`/repo%2Egit` is `/repo.git`). A URL `url.Parse` refuses (a control
/// character, a `%` not followed by two hex digits in the path) is no repository: BuildKit
/// then takes it for a download.
fn url_path_ends_with_git(rest: &str) -> bool {
    let b = rest.as_bytes();
    if b.iter().any(|&c| c < 0x20 || c == 0x7f) {
        return false;
    }
    let end = b
        .iter()
        .position(|&c| c == b'?' || c == b'#')
        .unwrap_or(b.len());
    let Some(start) = b[..end].iter().position(|&c| c == b'/') else {
        return false;
    };
    let path = &b[start..end];
    let mut decoded = Vec::with_capacity(path.len());
    let mut i = 0;
    while i < path.len() {
        if path[i] == b'%' {
            let hex = |c: u8| char::from(c).to_digit(16);
            match (
                path.get(i + 1).and_then(|&c| hex(c)),
                path.get(i + 2).and_then(|&c| hex(c)),
            ) {
                // Two hex digits: at most 0xff, a byte.
                (Some(h), Some(l)) => decoded.push(u8::try_from(h * 16 + l).unwrap_or(0)),
                _ => return false,
            }
            i += 3;
        } else {
            decoded.push(path[i]);
            i += 1;
        }
    }
    decoded.ends_with(b".git")
}

/// Git's `user@host:path` (`sshutil`'s `gitSSHRegex`).
fn scp_like(src: &str) -> bool {
    src.split_once('@').is_some_and(|(user, rest)| {
        !user.is_empty()
            && user
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            && rest.split_once(':').is_some_and(|(host, _)| {
                !host.is_empty()
                    && host
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
            })
    })
}

/// A digest as go-digest's `Parse` reads it, with the algorithms BuildKit computes
/// (sha256, sha384, sha512): a download's `--checksum`, an image's `@digest`.
pub fn go_digest(c: &str) -> Result<(), &'static str> {
    let Some((algo, hex)) = c
        .split_once(':')
        .filter(|(a, h)| !a.is_empty() && !h.is_empty())
    else {
        return Err("a checksum is `algorithm:hex`");
    };
    let digits = match algo {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err("BuildKit computes sha256, sha384 and sha512 only"),
    };
    if hex.len() != digits {
        return Err("a sha256 digest has 64 hex digits, sha384 96 and sha512 128");
    }
    if !hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("the digits are not lower-case hex");
    }
    Ok(())
}

/// A port range must not run backwards.
pub fn port_range(start: u16, end: u16) -> Check {
    if start <= end {
        Ok(())
    } else {
        Err(
            Invalid::new(format!("port range {start}-{end} runs backwards"))
                .help(format!("write Port::range({end}, {start})")),
        )
    }
}

/// A Go duration (`30s`, `1m30s`, `2.5s`, `500ms`, `1h`), as BuildKit's HEALTHCHECK flags
/// read it, in nanoseconds; then checked with [`health_duration_nanos`]. The `dockerfile!`
/// macro and the parser read HEALTHCHECK flags with it; the builder takes a `Duration`.
#[allow(dead_code)]
pub fn duration(s: &str) -> Result<u128, Invalid> {
    let bad = || {
        Invalid::new(format!("invalid duration {}", show(s)))
            .help("write a number and a unit (`h`, `m`, `s`, `ms`, `us`, `ns`), such as `30s`, `1m30s` or `2.5s`")
    };
    let mut rest = s;
    let mut total: u128 = 0;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(bad)?;
        let (number, tail) = rest.split_at(digits);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale: u128 = match unit {
            "h" => 3_600_000_000_000,
            "m" => 60_000_000_000,
            "s" => 1_000_000_000,
            "ms" => 1_000_000,
            "us" | "\u{b5}s" => 1_000,
            "ns" => 1,
            _ => return Err(bad()),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return Err(bad());
        }
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut part = whole.checked_mul(scale).ok_or_else(bad)?;
        let mut place = scale;
        for digit in fraction.bytes() {
            place /= 10;
            part += u128::from(digit - b'0') * place;
        }
        total = total.checked_add(part).ok_or_else(bad)?;
        rest = tail;
    }
    health_duration_nanos(total)?;
    Ok(total)
}

/// A Go duration as BuildKit's HEALTHCHECK flags read it: at least 1ms, or zero.
pub fn health_duration_nanos(nanos: u128) -> Check {
    if nanos == 0 || nanos >= 1_000_000 {
        Ok(())
    } else {
        Err(Invalid::new("durations shorter than 1ms are not allowed")
            .help("use zero for the default, or at least 1ms"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontend_reads_directives_at_the_start_of_lines_past_a_shebang() {
        let f = frontend_directive;
        let text = "# syntax=a/b\r\n# escape=`\n# check=skip=all\nFROM x\n";
        assert_eq!(f(text, "syntax"), Some((1, "a/b")));
        assert_eq!(f(text, "check"), Some((3, "skip=all")));
        assert_eq!(f("\u{feff}# check=x\n", "check"), Some((1, "x")));
        assert_eq!(f("#!/bin/sh\n# check=x\n", "check"), Some((2, "x")));
        // An indented line is the parser's directive; the frontend stops there.
        assert_eq!(f("  # check=x\n", "check"), None);
        assert_eq!(f("# escape=`\n  # syntax=a\n# check=x\n", "check"), None);
        // So do a line of another kind, a blank line, an unknown key and a second key.
        for text in [
            "# hi\n# check=x\n",
            "\n# check=x\n",
            "# foo=1\n# check=x\n",
            "# syntax=a\n# syntax=b\n# check=x\n",
            "FROM x\n# check=x\n",
            "# x\n#!/bin/sh\n# check=x\n",
        ] {
            assert_eq!(f(text, "check"), None, "{text:?}");
        }
    }

    #[test]
    fn directives_follow_buildkits_pattern() {
        let d = |s: &str| directive_like(s);
        assert_eq!(
            d("# check=skip=all"),
            Some(("check".into(), "skip=all".into()))
        );
        assert_eq!(
            d("#\tCHECK \x0c=  a b \r"),
            Some(("check".into(), "a b".into()))
        );
        // Spaces alone after the `=` are a value: the pattern's lazy group takes one.
        assert_eq!(d("# check=  "), Some(("check".into(), " ".into())));
        for not in [
            "# check=",
            "# check",
            "#check2=x",
            "# 1check=x",
            "# foo=x",
            " # check=x",
        ] {
            assert_eq!(d(not), None, "{not:?}");
        }
    }

    #[test]
    fn check_options_are_read_as_buildkit_reads_them() {
        fn o(s: &'static str) -> Result<CheckOptions<'static>, String> {
            check_options(s)
        }
        let read = o("skip\t=A,\tB\t;error=True;experimental=all").unwrap_or_default();
        assert_eq!(read.skip, ["A", "B"]);
        assert_eq!((read.error, read.experimental_all), (Some(true), true));
        // Up to the first space only.
        assert_eq!(o("skip=A because B").map(|r| r.skip), Ok(vec!["A"]));
        assert_eq!(o("skip= A").map(|r| r.skip), Ok(vec![""]));
        // Three options at most: the last takes the rest.
        let read = o("error=0;experimental=x;skip=A;skip=B").unwrap_or_default();
        assert_eq!((read.skip, read.error), (vec!["A;skip=B"], Some(false)));
        assert_eq!(o("").map(|r| r.skip_all), Ok(false));
        assert_eq!(o("skip"), Err("invalid check option \"skip\"".into()));
        assert_eq!(o("Skip=A"), Err("invalid check option \"Skip\"".into()));
        assert_eq!(
            o("error=yes"),
            Err("failed to parse check option \"error=yes\": \"yes\" is not a boolean".into())
        );
    }

    #[test]
    fn an_instruction_takes_the_first_check_comment() {
        fn skipped(comments: &[&'static str]) -> Option<Vec<&'static str>> {
            comment_check_options(comments).map(|o| o.skip)
        }
        assert_eq!(
            skipped(&["why", "check=skip=A", "check=skip=B"]),
            Some(vec!["A"])
        );
        assert_eq!(skipped(&["syntax=x", "CHECK = skip=A"]), Some(vec!["A"]));
        // One BuildKit cannot read hides the ones after it.
        assert_eq!(skipped(&["check=skip=A;x=1", "check=skip=B"]), None);
        assert_eq!(skipped(&["# check=skip=A"]), None);
        assert_eq!(skipped(&[]), None);
        // An indented comment keeps its `#`; a character of several bytes is no `#`.
        assert_eq!(prev_comment("# check=skip=A \r"), "check=skip=A");
        assert_eq!(prev_comment("  # check=skip=A"), "# check=skip=A");
        assert_eq!(prev_comment("\u{a0}# x"), "# x");
        assert_eq!(prev_comment("#"), "");
    }

    #[test]
    fn a_url_is_a_repository_when_its_path_ends_in_dot_git() {
        let kind = |s: &str| source_kind(s);
        assert_eq!(
            kind("https://github.com/moby/buildkit.git#v0.10.1"),
            SourceKind::Git
        );
        assert_eq!(kind("http://h/r.git?ref=main"), SourceKind::Git);
        assert_eq!(kind("https://h/r%2Egit"), SourceKind::Git);
        // The host is not the path, and what follows `?` or `#` is not either.
        assert_eq!(kind("https://github.it.git#v0.10.1"), SourceKind::Http);
        assert_eq!(kind("https://h/r?x=.git"), SourceKind::Http);
        assert_eq!(kind("https://h/r#a.git"), SourceKind::Http);
        // What Go's `url.Parse` refuses is a download to BuildKit.
        assert_eq!(kind("https://h/r%zz.git"), SourceKind::Http);
        assert_eq!(kind("https://h/r\x01.git"), SourceKind::Http);
        assert_eq!(kind("https://example.com/a.tar.gz"), SourceKind::Http);
    }

    #[test]
    fn heredoc_markers_with_blanks() {
        let names = |line: &str| -> Vec<String> {
            heredoc_markers(line).into_iter().map(|m| m.name).collect()
        };
        // BuildKit's lexer since March 2025: `<<` keeps the blanks after it.
        assert_eq!(names("RUN cat << EOF"), ["EOF"]);
        assert_eq!(names("RUN <<\t\"EOF\" cat"), ["EOF"]);
        assert_eq!(names("RUN 2<<  X cat"), ["X"]);
        assert!(!heredoc_markers("RUN << 'EOF'")[0].expand);
        // Not after `<<-`, inside a word, after an escaped `<`, or in a here-string.
        assert!(names("RUN cat <<- EOF").is_empty());
        assert!(names("RUN cat<< EOF").is_empty());
        assert!(names("RUN cat \\<< EOF").is_empty());
        assert!(names("RUN cat <<< EOF").is_empty());
        assert!(names("RUN cat '<< EOF'").is_empty());
        // The blanks belong to the marker's word: the next word is not a marker of its own.
        assert_eq!(names("RUN cat << <<EOF"), Vec::<String>::new());
        assert_eq!(names("RUN cat <<A <<B"), ["A", "B"]);
    }

    #[test]
    fn stage_names() {
        assert!(stage_name("go-builder").is_ok());
        assert!(stage_name("a.b_c-1").is_ok());
        assert!(stage_name("1bad").is_err());
        assert!(stage_name("").is_err());
        assert_eq!(
            stage_name("Builder").unwrap_err().help.as_deref(),
            Some("stage names are lower-case: use \"builder\"")
        );
        assert!(
            stage_name("scratch")
                .unwrap_err()
                .message
                .contains("reserved")
        );
        assert!(stage_name("context").is_err());
    }

    #[test]
    fn ipv6_registries() {
        let p = image("[::1]:5000/foo:1").unwrap();
        assert_eq!(
            (p.registry, p.repository, p.tag),
            (Some("[::1]:5000"), "foo", Some("1"))
        );
        let p = image("[2001:db8::1]/org/app").unwrap();
        assert_eq!(
            (p.registry, p.repository),
            (Some("[2001:db8::1]"), "org/app")
        );
        for bad in [
            "[]:5000/x",
            "[::g]/x",
            "[::1/x",
            "[::1]x/y",
            "[::1]:/x",
            "[::1]:50a/x",
        ] {
            assert!(image(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn images() {
        let p = image("ghcr.io:443/org/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(p.registry, Some("ghcr.io:443"));
        assert_eq!(p.repository, "org/app");
        assert_eq!(p.tag, Some("1.2"));
        assert!(p.digest.is_some());
        assert!(image("--$").is_err());
        assert!(image("-${X}").is_err());
        let p = image("alpine").unwrap();
        assert_eq!((p.registry, p.repository, p.tag), (None, "alpine", None));
        let p = image("localhost:5000/x").unwrap();
        assert_eq!(
            (p.registry, p.repository, p.tag),
            (Some("localhost:5000"), "x", None)
        );
        let p = image("library/rust:1.83-slim-bookworm").unwrap();
        assert_eq!(
            (p.registry, p.repository, p.tag),
            (None, "library/rust", Some("1.83-slim-bookworm"))
        );
        assert!(image("rust:${RUST_VERSION}-slim").is_ok());
        assert!(image("${BASE}").is_ok());
        // A registry host may have upper-case letters (BuildKit's `splitDockerDomain`).
        let p = image("Registry/app:1").unwrap();
        assert_eq!((p.registry, p.repository), (Some("Registry"), "app"));
        assert!(image("[A]/app").is_ok());
        assert!(image("[a]/app").is_err());
        // With variables: a reference when some value of them makes one.
        assert!(image("golang:${GO}:alpine").is_ok(), "golang:5000/x:alpine");
        assert!(image("${OPEN}::1]/app").is_ok(), "[::1]/app");
        assert!(image("[${A}::1]/app").is_ok());
        assert!(image("golang:${VERSION#v}").is_ok());
        // Bad substitutions fail BuildKit's build, brackets or not (`[${ }` was once
        // taken: the IPv6 branch trusted the automaton, which does not read inside `${}`).
        // BuildKit reads `${1}` and `${!}` (a digit run, a special parameter).
        assert!(image("alpine:${1:-3}").is_ok());
        assert!(image("alpine${!}").is_ok());
        for bad in [
            "[${ }",
            "[${}",
            "[${:x}",
            "[${A:1}]/x",
            "app:${ A}",
            "${A }",
            "[${A:- x}]/app",
            "[${A:-\"}]/app",
        ] {
            assert!(image(bad).is_err(), "{bad}");
        }
        assert!(image("lAine::${V}").is_err());
        // Where the part-by-part checks find nothing, the automaton says where it ends:
        // a `$` before no name is text.
        let e = image("alpine$").unwrap_err();
        assert!(e.message.contains("`$` at position 7: whatever"), "{e:?}");
        assert!(image("alpine:$-x").is_ok(), "`$-` is a variable");
        assert!(image("${V}/").is_err());
        let hex40 = "0".repeat(40);
        assert!(image(&format!("app:${{V}}@sha256:{hex40}")).is_err());
        // The help lower-cases the text, not the variables' names.
        let e = image("${REG}/App:1").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("use \"${REG}/app:1\""));
        // A `/` inside `${...}` is the substitution's.
        let p = image("mv${V/./_}").unwrap();
        assert_eq!((p.registry, p.repository), (None, "mv${V/./_}"));
        let p = image("${REG}/app").unwrap();
        assert_eq!((p.registry, p.repository), (None, "${REG}/app"));
        assert!(template_could_be("b_.${S}", "b_._"));
        assert!(!template_could_be("b_.${S}", "b"));
        // A modifier's word may hold more references, read whole as BuildKit's lexer does.
        for nested in [
            "${REGISTRY:+${REGISTRY}/}app:${TAG}",
            "app:${A:-${B:-1}}",
            "alpine:${A:+${A}.20}",
            "app${A:+:${A}}",
            "${A:-${A:-alpine}}",
        ] {
            assert!(image(nested).is_ok(), "{nested}");
        }
        let p = image("${REG:+${REG}/}app:1").unwrap();
        assert_eq!((p.registry, p.repository), (None, "${REG:+${REG}/}app"));
        // A bare `{` opens nothing: the first `}` ends the reference, the second is text.
        assert!(image("app:${A:-{x}}").is_err());
        // A default the reference may never use can be any text (`T` set, `é` is unused).
        assert!(image("img:${T:-é☃}").is_ok());
        assert!(image("app:${A:-${B}").is_err());
        assert_eq!(braced_end(b"${A:+${B}/}x", 0), Some(11));
        assert_eq!(braced_end(b"${A:-{x}}", 0), Some(8));
        assert_eq!(braced_end(b"${A:-${B}", 0), None);
        for bad in [
            "",
            "Alpine",
            "alpine:",
            "a b",
            "alpine:3 20",
            "a@sha256:12",
            "scratch",
            "a//b",
            "-a",
            "a:b:c",
            "a\nRUN x",
            "${A",
        ] {
            assert!(image(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn commands() {
        assert!(shell_command("echo hi", '\\', true).is_ok());
        assert!(shell_command("cat <<< hi", '\\', true).is_ok());
        assert!(shell_command("cat <<EOF", '\\', true).is_err());
        assert!(shell_command("cat <<EOF", '\\', false).is_ok());
        assert!(shell_command("echo \\", '\\', true).is_err());
        assert!(shell_command("echo `", '`', true).is_err());
        assert!(shell_command("--x", '\\', true).is_err());
        assert!(shell_command("[\"a\"]", '\\', true).is_err());
        assert!(shell_command("[\"ls\", \"-l\"] && make", '\\', true).is_err());
        assert!(shell_command("[ ] && x", '\\', true).is_err());
        assert!(shell_command("[ -f x ] && make", '\\', true).is_ok());
        assert!(shell_command("[[ -f x ]]", '\\', true).is_ok());
        assert!(shell_command("[1]", '\\', true).is_err());
        assert!(shell_command(&"[".repeat(100_000), '\\', true).is_err());
        assert!(shell_command(&format!("{}x", "[".repeat(100_000)), '\\', true).is_err());
        assert!(shell_command("[true, null, {\"a\": [1]}] x", '\\', true).is_err());
        assert!(shell_command("[ \"$a\" = b ] && c", '\\', true).is_ok());
        assert!(shell_command("[x] && y", '\\', true).is_ok());
        assert!(shell_command("[-1e5, true, false, null] x", '\\', true).is_err());
        assert!(shell_command("# note", '\\', true).is_err());
        assert!(shell_command("a\nb", '\\', true).is_err());
        assert!(shell_command(" a", '\\', true).is_err());
    }

    #[test]
    fn variables_found() {
        assert_eq!(variables("a$B-${C}:${D:-x}$"), ["B", "C", "D"]);
        // BuildKit's names: digits alone, one special character, any letter.
        assert_eq!(
            variables("$44ab ${0} $$ $? $é_1 ${D:-$E}"),
            ["44", "0", "$", "?", "é_1", "D", "E"]
        );
        assert_eq!(body_variables("\\$A '$B' \\\\$C"), ["B", "C"]);
    }

    #[test]
    fn small_values() {
        assert!(signal("SIGTERM").is_ok());
        assert!(signal("SIGRTMIN+3").is_ok());
        assert!(signal("9").is_ok());
        assert!(signal("${SIG}").is_ok());
        assert!(signal("SIGTERM SIGKILL").is_err());
        assert!(signal("0").is_err());
        assert!(platform("linux/arm/v7").is_ok());
        assert!(platform("$BUILDPLATFORM").is_ok());
        assert!(platform("linux").is_err());
        assert!(chmod_symbolic("u=rwX,go=rX").is_ok());
        assert!(chmod_symbolic("+x").is_ok());
        assert!(chmod_symbolic("g=u").is_ok());
        assert!(chmod_symbolic("x").is_err());
        assert!(chown("app:app").is_ok());
        assert!(chown("1000:").is_ok());
        assert!(chown("a b").is_err());
        // Values with substitutions, as BuildKit substitutes them before reading the value.
        for ok in ["${SIG:-SIGTERM}", "SIGRTMIN+${N}", "${S:-${S}}"] {
            assert!(signal(ok).is_ok(), "{ok}");
        }
        for ok in ["${P:-linux/amd64}", "linux/${ARCH}", "${OS}/${ARCH:-amd64}"] {
            assert!(platform(ok).is_ok(), "{ok}");
        }
        for ok in ["${U:-app}:${G}", "${U:-${U}}:${U}", "$U:${G:-1000}"] {
            assert!(chown(ok).is_ok(), "{ok}");
            assert!(user(ok).is_ok(), "{ok}");
        }
        for bad in [
            "$$",
            "$1",
            "SIG$1",
            "${}",
            "${S:-x",
            "linux/${A}/a/b:c",
            "${U}:a:b",
            "--x${X}",
        ] {
            assert!(signal(bad).is_err(), "{bad}");
            assert!(platform(bad).is_err(), "{bad}");
        }
        assert!(user("${U}:a:b").is_err());
        assert!(flag_value("caf\u{e9}").is_err());
        assert!(mount_value("a,b").is_err());
    }

    #[test]
    fn exposed_ports_as_buildkit_reads_them() {
        for ok in [
            "80",
            "80/TCP",
            "80/",
            "+80",
            "0",
            "08",
            "80-80",
            "65535",
            "80-90:80",
            "80:80",
            ":80",
            "::80",
            "1.2.3.4::80",
            "[::1]:80:80",
            "::1:80:80",
        ] {
            assert!(exposed_port(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/udp",
            "80/tcpx",
            "80/tcp/udp",
            "65536",
            "-1",
            "8000-8",
            "80-",
            "80--90",
            "x",
            "x:80",
            "80:80-90",
            "80-81:80-90",
            "[::1:80:80",
            "[::1]x:80:80",
            "a::80",
            "99999999999999999999",
        ] {
            assert!(exposed_port(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports_and_durations() {
        assert_eq!(
            port("8000-8010/udp").unwrap(),
            PortParts {
                start: 8000,
                end: 8010,
                protocol: "udp"
            }
        );
        assert_eq!(port("80").unwrap().protocol, "tcp");
        for bad in ["", "80/TCP", "x", "70000", "90-80", "-1", "80/"] {
            assert!(port(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(duration("30s").unwrap(), 30_000_000_000);
        assert_eq!(duration("1m30s").unwrap(), 90_000_000_000);
        assert_eq!(duration("2.5s").unwrap(), 2_500_000_000);
        assert_eq!(duration("500ms").unwrap(), 500_000_000);
        assert_eq!(duration("0s").unwrap(), 0);
        for bad in ["", "30", "s", "1x", "1.2.3s", "10us", "1..s"] {
            assert!(duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn substitutions_buildkit_can_read() {
        for ok in [
            "a",
            "$",
            "$}",
            "$A",
            "${A}",
            "${A_1}/x",
            "${A:-x}",
            "${A-x}",
            "${A:+}",
            "${A?}",
            "${A:-${B}}",
            "${U:-${V:+${W}}}:x",
        ] {
            assert!(substitutions(ok).is_ok(), "{ok}");
        }
        for bad in [
            "${",
            "${}",
            "a${x",
            "${:x}",
            "${1}",
            "${A:}",
            "${A!x}",
            "${A:-${B}",
            "${A:-{B}}",
            "${A:-${}}",
            "${{A}}",
        ] {
            assert!(substitutions(bad).is_err(), "{bad}");
            assert!(flag_value(bad).is_err(), "{bad}");
        }
    }
}
