//! Hostile input for the lints and the `.dockerignore` helpers: arbitrary text in, no panic
//! out, and what the lints report stays inside the file.

use dockerdsl::{Dockerfile, Linter, Stage};
use proptest::prelude::*;

/// Dockerfile-ish text: keywords in any case, continuations, comments, heredocs, variables.
fn dockerfile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("FROM alpine:3.20 AS s{n}\n".to_owned()),
        Just("from first as B{n}\n".to_owned()),
        Just("RUN echo \\\n\n  x\n".to_owned()),
        Just("ENV A 1\n".to_owned()),
        Just("LABEL k=v\n".to_owned()),
        Just("EXPOSE 80/TCP 1:2\n".to_owned()),
        Just("COPY $X ${Y:-z} rel\n".to_owned()),
        Just("WORKDIR rel\n".to_owned()),
        Just("# check=skip=all\n".to_owned()),
        Just("# check=experimental=all;skip=JSONArgsRecommended because\n".to_owned()),
        Just("  # check=skip=all;error=x\n#\n".to_owned()),
        Just("# A described\nARG A \"B\"=1\n".to_owned()),
        Just("CMD x\n".to_owned()),
        Just("RUN <<EOF\n\\\n\nEOF\n".to_owned()),
        Just("MAINTAINER m\n".to_owned()),
        "[ -~\\t\\n\\\\$`#]{0,40}",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| {
        let body: String = v
            .iter()
            .enumerate()
            .map(|(n, p)| p.replace("{n}", &n.to_string()))
            .collect();
        format!("FROM alpine:3.20 AS first\n{body}")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsed_lints_never_panic(text in dockerfile_text()) {
        if let Ok(parsed) = dockerdsl::parse(&text) {
            let lines = text.lines().count().max(1);
            for lint in parsed.lint() {
                let line = lint.line().expect("a parsed file's lint has a line");
                prop_assert!((1..=lines).contains(&line), "line {line} of {lines}: {lint}");
            }
        }
    }

    #[test]
    fn dockerignore_helpers_never_panic(
        patterns in "[ -~\\n\\[\\]*?!\\\\/^\u{FEFF}é]{0,60}",
        path in "[ -~*?/\\[\\]]{0,30}",
    ) {
        if let Err(e) = dockerdsl::lint::check_dockerignore(&patterns) {
            for d in e.diagnostics() {
                prop_assert!(d.line().is_some_and(|l| l <= patterns.lines().count()), "{e}");
                prop_assert!(d.help().is_some());
            }
        }
        let app = Stage::from_image("app", "alpine:3.20").workdir("/app").copy(path.clone(), "/x");
        if let Ok(df) = Dockerfile::new(&app) {
            let _ = Linter::new().dockerignore(&patterns).lint(&df);
            let ignore = df.dockerignore();
            prop_assert!(ignore.ends_with('\n'));
            prop_assert!(ignore.lines().all(|l| l.starts_with('#') || l == "*" || l.starts_with('!')));
        }
    }
}
