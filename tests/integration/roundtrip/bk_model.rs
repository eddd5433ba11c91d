//! Unit tests of the BuildKit model (`common::bk`) that the properties read the rendered text
//! with: each function against the behaviour of BuildKit's Go source it models.

use crate::common::bk;

#[test]
fn unquote_follows_the_lexer() {
    let u = |w: &str, e: char| bk::unquote(w, e).unwrap();
    // Outside quotes the escape character escapes anything, and is dropped at the end.
    assert_eq!(u(r"a\ b\\c\$d\'e\x", '\\'), r"a b\c$d'ex");
    assert_eq!(u(r"abc\", '\\'), "abc");
    // Single quotes: literal, escape character included.
    assert_eq!(u(r"'a\b $c \'", '\\'), r"a\b $c \");
    // Double quotes: the escape character escapes `"`, `$` and itself only.
    assert_eq!(u(r#""a\"b\$c\\d\e\'f""#, '\\'), r#"a"b$c\d\e\'f"#);
    assert_eq!(u(r#""it's""#, '\\'), "it's");
    // `$` is kept as written.
    assert_eq!(u("$A${B}", '\\'), "$A${B}");
    assert_eq!(u(r#""$A ${B:-x}""#, '\\'), "$A ${B:-x}");
    // Backtick escape: the backslash is an ordinary character.
    assert_eq!(u(r"C:\dir` x", '`'), r"C:\dir x");
    assert_eq!(u(r#""a``b`"c\d""#, '`'), r#"a`b"c\d"#);
    assert_eq!(u("a`", '`'), "a");
    // Concatenated quoted and unquoted parts make one word.
    assert_eq!(u(r#"a"b c"'d e'f"#, '\\'), "ab cd ef");
    // Unterminated quotes are errors (BuildKit fails the build).
    assert!(bk::unquote("'a", '\\').is_err());
    assert!(bk::unquote("\"a", '\\').is_err());
    assert!(bk::unquote("\"a\\\"", '\\').is_err());
    assert!(bk::unquote("\"a\\", '\\').is_err());
}

#[test]
fn the_lexer_skips_a_leading_bom() {
    assert_eq!(bk::lexer_read("\u{feff}x", '\\').unwrap(), "x");
    assert_eq!(bk::lexer_read("x\u{feff}", '\\').unwrap(), "x\u{feff}");
    assert_eq!(bk::lexer_read("\"\u{feff}x\"", '\\').unwrap(), "\u{feff}x");
}

#[test]
fn parse_words_keeps_quotes_and_escapes() {
    let w = |s: &str, e: char| bk::parse_words(s, e);
    assert_eq!(w(r#"A="a b" B=c\ d"#, '\\'), [r#"A="a b""#, r"B=c\ d"]);
    assert_eq!(w(r#"A="a\"b c""#, '\\'), [r#"A="a\"b c""#]);
    assert_eq!(w("A='x\\' B", '\\'), ["A='x\\'", "B"]);
    assert_eq!(w("A=a\u{a0}b", '\\'), ["A=a", "b"]);
    assert_eq!(w("A=\"\"", '\\'), ["A=\"\""]);
    assert_eq!(w("A=x\\", '\\'), ["A=x"]);
    assert_eq!(w("A=\"a`\" b\"", '`'), ["A=\"a`\" b\""]);
}

#[test]
fn join_lines_follows_the_parser() {
    assert_eq!(bk::join_lines(" a \\\n    && b", '\\'), " a     && b");
    assert_eq!(
        bk::join_lines(" a \\\n  # c\n\n  b\nUSER x", '\\'),
        " a   b"
    );
    assert_eq!(bk::join_lines(" a\nUSER x", '\\'), " a");
    assert_eq!(bk::join_lines(" a \\\\\nb", '\\'), " a \\\\");
    assert_eq!(bk::join_lines(" a `\n b", '`'), " a  b");
    assert_eq!(bk::join_lines(" a \\ \t\n b", '\\'), " a  b");
}

#[test]
fn builder_flags() {
    let f = |s: &str| bk::extract_builder_flags(s);
    assert_eq!(
        f(" --a=1 --b x y"),
        (vec!["--a=1".into(), "--b".into()], "x y".into())
    );
    assert_eq!(f(" --a=\"x y\" z"), (vec!["--a=x y".into()], "z".into()));
    // `--` ends the flags; the rest keeps its leading space (`splitCommand` trims it).
    assert_eq!(f(" -- --x"), (vec![], " --x".into()));
    assert_eq!(f(" --x"), (vec!["--x".into()], String::new()));
    assert_eq!(f(" x --a"), (vec![], "x --a".into()));
    assert_eq!(f(" --a=\\x"), (vec!["--a=x".into()], String::new()));
}

#[test]
fn exec_form_detection() {
    assert!(bk::reads_exec_form(r#"["a", "b"]"#));
    assert!(bk::reads_exec_form(r#" ["a"] && rm -rf /"#));
    assert!(bk::reads_exec_form(r#"["ls"],"#));
    assert!(bk::reads_exec_form("[]x"));
    assert!(bk::reads_exec_form("[1, {\"a\": [null]}]"));
    assert!(!bk::reads_exec_form(r#"["a" "b"]"#));
    assert!(!bk::reads_exec_form("[ -f x ]"));
    assert!(!bk::reads_exec_form("echo [\"a\"]"));
    assert!(!bk::reads_exec_form("[\"a\nb\"]"));
    assert!(!bk::reads_exec_form("[\"\\x\"]"));
    assert_eq!(bk::json_array(r#"["a", "b"] x"#), Some(true));
    assert_eq!(bk::json_array("[]"), Some(true));
    assert_eq!(bk::json_array("[1]"), Some(false));
    assert_eq!(bk::json_array(r#" ["a", null] && x"#), Some(false));
    assert_eq!(bk::json_array("[[\"a\"]]"), Some(false));
    assert_eq!(bk::json_array("[ -f x ]"), None);
}

#[test]
fn heredoc_words() {
    for yes in [
        "<<EOF",
        "<<-EOF",
        "1<<EOF",
        "22<<-X",
        "<<\"EOF\"",
        "<<'E F'",
        "<<\\x",
    ] {
        assert!(bk::heredoc_word(yes), "{yes}");
    }
    for no in [
        "<<",
        "<<-",
        "<<<EOF",
        "a<<EOF",
        "<<a b",
        "<<\"\"",
        "<<\\",
        "x",
        "--x=<<EOF",
        "<<'a",
    ] {
        assert!(!bk::heredoc_word(no), "{no}");
    }
    assert_eq!(
        bk::raw_words(r#"COPY <<"E F" 'a b' c\ d"#),
        ["COPY", r#"<<"E F""#, "'a b'", r"c\ d"]
    );
}
