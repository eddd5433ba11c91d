//! Any text through every reader the CLI points at a user's files: the syntax layer (each
//! instruction's flags and words, whose spans must lie on the text), `fmt` (formatting its
//! own output gives it back, as its documentation promises), `check` with a `.dockerignore`,
//! the faithful parser, the lock file and the images a Dockerfile names, the JSON model,
//! hadolint's pragmas and the value parsers. None may panic, and every error must display.
//!
//! The input is split at its first NUL byte (which no Dockerfile holds): before it, the
//! `.dockerignore` that `check` reads; after it, the file. Without one, the whole input is
//! the file and there is no `.dockerignore`.

#![no_main]

use dockerdsl::lint::{HadolintPragmas, Linter};
use dockerdsl::lock::Lock;
use dockerdsl::{Dockerfile, ImageRef, Origin, Platform, Rule, Signal};
use libfuzzer_sys::fuzz_target;

/// A DOT graph's edges and images (its external nodes), without the stages' labels: `fmt`
/// names an unnamed stage, which the graph labels otherwise.
fn edges(dot: &str) -> Vec<&str> {
    dot.lines()
        .filter(|l| l.contains("->") || l.contains("style=rounded"))
        .collect()
}

/// BuildKit's checks on how a file is written, which `fmt`'s canonical form settles.
const HOW_WRITTEN: &[Rule] = &[
    Rule::NoEmptyContinuation,
    Rule::ConsistentInstructionCasing,
    Rule::FromAsCasing,
    Rule::StageNameCasing,
    Rule::LegacyKeyValueFormat,
    Rule::MaintainerDeprecated,
    Rule::ExposeProtoCasing,
];

/// `check`'s findings of BuildKit's rules, sorted, lines aside: those of [`HOW_WRITTEN`]
/// (`written`) or the others. A message that quotes a keyword has it upper-cased, as `fmt`
/// writes it.
fn buildkit_findings(lints: &[dockerdsl::Lint], written: bool) -> Vec<(Rule, String)> {
    let mut found: Vec<(Rule, String)> = lints
        .iter()
        .filter(|l| l.rule().origin() == Origin::BuildKit)
        .filter(|l| HOW_WRITTEN.contains(&l.rule()) == written)
        .map(|l| {
            let message = match l.rule() {
                Rule::JsonArgsRecommended | Rule::MultipleInstructionsDisallowed => {
                    l.message().to_ascii_uppercase()
                }
                _ => l.message().to_owned(),
            };
            (l.rule(), message)
        })
        .collect();
    found.sort_by(|a, b| (a.0.name(), &a.1).cmp(&(b.0.name(), &b.1)));
    found
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (ignore, text) = match input.split_once('\0') {
        Some((ignore, text)) => (Some(ignore), text),
        None => (None, input),
    };

    match dockerdsl::syntax::read(text) {
        Ok(tree) => {
            for instruction in tree.instructions() {
                let _ = instruction.keyword();
                assert!(
                    text.get(instruction.keyword_span()).is_some(),
                    "keyword span off the text"
                );
                for flag in instruction.flags() {
                    assert!(text.get(flag.span()).is_some(), "flag span off the text");
                    assert!(
                        text.get(flag.name_span()).is_some(),
                        "flag name span off the text"
                    );
                    if let Some(span) = flag.value_span() {
                        assert!(text.get(span).is_some(), "flag value span off the text");
                    }
                    let _ = (flag.name(), flag.value(), flag.raw());
                }
                let args = instruction.args();
                let _ = args.form();
                for word in args.words() {
                    assert!(text.get(word.span()).is_some(), "word span off the text");
                    let _ = (word.raw(), word.text(), word.is_json());
                }
            }
        }
        Err(e) => drop(e.to_string()),
    }

    match dockerdsl::format(text) {
        Ok(formatted) => {
            match dockerdsl::format(&formatted) {
                Ok(again) => assert_eq!(again, formatted, "fmt is not idempotent"),
                Err(e) => panic!("fmt's output is refused:\n{formatted}\n{e}"),
            }
            // What BuildKit's checks find is kept (as `check` finds it, which the bklint
            // test holds to BuildKit), apart from the checks on how a file is written.
            if let (Ok(before), Ok(after)) =
                (Linter::new().check(text), Linter::new().check(&formatted))
            {
                let was = buildkit_findings(&before, false);
                let mut is = buildkit_findings(&after, false);
                // `fmt` names every stage (`AS stage-N`), and BuildKit's experimental
                // description check then reads the comment above a stage that had no name
                // as the new name's description.
                is.retain(|(rule, message)| {
                    *rule != Rule::InvalidDefinitionDescription
                        || !message.contains("`# stage-")
                        || was.contains(&(*rule, message.clone()))
                });
                assert_eq!(was, is, "fmt changes BuildKit's findings:\n{formatted}");
                let (was, is) = (
                    buildkit_findings(&before, true),
                    buildkit_findings(&after, true),
                );
                assert!(
                    is.iter().all(|f| was.contains(f)),
                    "fmt adds a finding on how the file is written:\n{formatted}"
                );
            }
            // The same build graph: every stage's base and references, and which images.
            // Not where a base's value is the build's (a dotted edge: `FROM stage-$V` could
            // name any stage, the one `fmt` names `stage-1` too).
            if let (Ok(before), Ok(after)) = (
                dockerdsl::graph::dot_text(text),
                dockerdsl::graph::dot_text(&formatted),
            ) && !before.contains("style=dotted")
                && !after.contains("style=dotted")
            {
                assert_eq!(
                    edges(&before),
                    edges(&after),
                    "fmt changes the graph:\n{formatted}"
                );
            }
        }
        Err(e) => drop(e.to_string()),
    }

    let mut linter = Linter::new();
    if let Some(ignore) = ignore {
        if let Err(e) = dockerdsl::lint::check_dockerignore(ignore) {
            drop(e.to_string());
        }
        linter = linter.dockerignore(ignore);
    }
    match linter.check(text) {
        Ok(lints) => {
            for lint in lints {
                let _ = (
                    lint.to_string(),
                    lint.line(),
                    lint.column(),
                    lint.end_line(),
                );
            }
        }
        Err(e) => drop(e.to_string()),
    }

    match dockerdsl::parse_faithfully(text) {
        Ok(parsed) => {
            // Every instruction is read: into the model, or kept as written.
            if let Ok(tree) = dockerdsl::syntax::read(text) {
                assert_eq!(
                    parsed.instructions().len(),
                    tree.instructions().count(),
                    "an instruction is left unread"
                );
            }
            drop(parsed.dockerfile().to_string());
        }
        Err(e) => drop(e.to_string()),
    }
    match dockerdsl::lock::images_text(text) {
        Ok(images) => drop(images),
        Err(e) => drop(e.to_string()),
    }
    match Lock::parse(text) {
        Ok(lock) => {
            // What a lock writes, it reads back.
            let written = lock.to_string();
            match Lock::parse(&written) {
                Ok(again) => assert_eq!(again.to_string(), written, "lock does not round-trip"),
                Err(e) => panic!("a written lock is refused:\n{written}\n{e}"),
            }
        }
        Err(e) => drop(e.to_string()),
    }
    match Dockerfile::from_json(text) {
        Ok(df) => drop(df.to_string()),
        Err(e) => drop(e.to_string()),
    }
    drop(HadolintPragmas::read(text));
    for line in text.lines().take(4) {
        let _ = ImageRef::parse(line).map(|r| r.to_string());
        let _ = Platform::parse(line).map(|p| p.as_str().len());
        let _ = Signal::parse(line).map(|s| s.as_str().len());
    }
});
