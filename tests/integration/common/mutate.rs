//! A mutator of Dockerfiles: each mutation is one edit people make by hand, aimed at one of
//! BuildKit's checks or at one edge of what BuildKit accepts. Deterministic: the same corpus
//! gives the same mutants, byte for byte. The mutants are written to a temporary folder at
//! test time and checked by BuildKit's own checker (`bklint`) and by `dockerdsl`; they are
//! never committed.

/// One mutation: its name, and the edit (`None` when it does not apply to the file).
pub struct Mutation {
    pub name: &'static str,
    pub apply: fn(&str) -> Option<String>,
}

/// The lines of a file, and what they end with (`\r\n` kept on each line's text).
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Whether a line starts an instruction with this keyword (any case), not counting
/// continuation lines (a rough reading: good enough to pick where to edit).
fn starts(line: &str, keyword: &str) -> bool {
    let t = line.trim_start();
    t.len() > keyword.len()
        && t[..keyword.len()].eq_ignore_ascii_case(keyword)
        && t[keyword.len()..].starts_with([' ', '\t'])
}

fn ends_continued(line: &str) -> bool {
    line.trim_end().ends_with('\\')
}

/// Indices of the lines that start an instruction (after a line that does not continue,
/// outside heredocs: a rough reading, used only to pick lines to edit).
fn instruction_lines(text: &str) -> Vec<usize> {
    let ls = lines(text);
    let mut out = Vec::new();
    let mut continued = false;
    let mut heredoc: Option<String> = None;
    for (n, l) in ls.iter().enumerate() {
        let t = l.trim_end_matches(['\n', '\r']);
        if let Some(end) = &heredoc {
            if t.trim_start_matches('\t') == end {
                heredoc = None;
            }
            continue;
        }
        let trimmed = t.trim_start();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if !continued {
            out.push(n);
        }
        continued = ends_continued(t);
        if !continued {
            if let Some(i) = t.find("<<") {
                let rest = t[i + 2..].trim_start_matches('-');
                let word: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .filter(|c| *c != '"' && *c != '\'')
                    .collect();
                if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    heredoc = Some(word);
                }
            }
        }
    }
    out
}

/// The index of the line of the first instruction with `keyword` whose line satisfies `ok`.
fn find(text: &str, keyword: &str, ok: impl Fn(&str) -> bool) -> Option<usize> {
    let ls = lines(text);
    instruction_lines(text)
        .into_iter()
        .find(|n| starts(ls[*n], keyword) && ok(ls[*n]))
}

fn replace_line(text: &str, n: usize, new: &str) -> String {
    let mut out = String::with_capacity(text.len() + new.len());
    for (i, l) in lines(text).iter().enumerate() {
        if i == n {
            let ending = &l[l.trim_end_matches(['\n', '\r']).len()..];
            out.push_str(new);
            out.push_str(if ending.is_empty() { "\n" } else { ending });
        } else {
            out.push_str(l);
        }
    }
    out
}

/// `new` (a whole line) inserted after the first line of an instruction that continues on the
/// next, so that it stands inside the instruction; `None` without such a line or with the
/// backtick escape.
fn inside_continuation(text: &str, new: &str) -> Option<String> {
    if !plain_escape(text) {
        return None;
    }
    let ls = lines(text);
    let n = instruction_lines(text)
        .into_iter()
        .find(|n| ends_continued(ls[*n]))?;
    let mut out = String::new();
    for (i, l) in ls.iter().enumerate() {
        out.push_str(l);
        if i == n {
            out.push_str(new);
        }
    }
    Some(out)
}

/// Inserts `new` as a line after the whole instruction starting at line `n`.
fn insert_after(text: &str, n: usize, new: &str) -> String {
    let ls = lines(text);
    let starts = instruction_lines(text);
    let next = starts.iter().find(|s| **s > n).copied();
    // After the instruction: before the next one, or at the end.
    let at = next.unwrap_or(ls.len());
    // Back over the comment and blank lines that precede the next instruction.
    let mut at = at;
    while at > n + 1 && {
        let t = ls[at - 1].trim();
        next.is_some() && (t.is_empty() || t.starts_with('#'))
    } {
        at -= 1;
    }
    let mut out = String::new();
    for (i, l) in ls.iter().enumerate() {
        if i == at {
            out.push_str(new);
            out.push('\n');
        }
        out.push_str(l);
        if i + 1 == ls.len() && !l.ends_with('\n') {
            out.push('\n');
        }
    }
    if at >= ls.len() {
        out.push_str(new);
        out.push('\n');
    }
    out
}

/// The words of a FROM line: (flags, image, name).
fn from_words(line: &str) -> Option<(Vec<&str>, &str, Option<&str>)> {
    if ends_continued(line) {
        return None;
    }
    let mut words = line.split_whitespace().skip(1);
    let mut flags = Vec::new();
    let mut image = None;
    for w in words.by_ref() {
        if w.starts_with("--") {
            flags.push(w);
        } else {
            image = Some(w);
            break;
        }
    }
    let image = image?;
    let rest: Vec<&str> = words.collect();
    match rest.as_slice() {
        [] => Some((flags, image, None)),
        [a, name] if a.eq_ignore_ascii_case("as") => Some((flags, image, Some(name))),
        _ => None,
    }
}

fn from_line(flags: &[&str], image: &str, as_: &str, name: Option<&str>) -> String {
    let mut out = String::from("FROM ");
    for f in flags {
        out.push_str(f);
        out.push(' ');
    }
    out.push_str(image);
    if let Some(n) = name {
        out.push(' ');
        out.push_str(as_);
        out.push(' ');
        out.push_str(n);
    }
    out
}

/// The first `FROM` line that reads simply, its index and words.
fn first_from(text: &str) -> Option<(usize, Vec<&str>, &str, Option<&str>)> {
    let ls = lines(text);
    let n = find(text, "FROM", |l| from_words(l).is_some())?;
    let (flags, image, name) = from_words(ls[n])?;
    Some((n, flags, image, name))
}

/// The n-th (from 0) `FROM` line with a name.
fn named_from(text: &str, which: usize) -> Option<(usize, Vec<&str>, &str, &str)> {
    let ls = lines(text);
    instruction_lines(text)
        .into_iter()
        .filter(|n| starts(ls[*n], "FROM"))
        .filter_map(|n| {
            let (f, i, name) = from_words(ls[n])?;
            Some((n, f, i, name?))
        })
        .nth(which)
}

/// Uses the escape character of a file that sets one: the mutations write `\` continuations.
fn plain_escape(text: &str) -> bool {
    !text
        .lines()
        .take_while(|l| l.trim_start().starts_with('#'))
        .any(|l| l.to_ascii_lowercase().contains("escape"))
}

fn after_first_from(text: &str, new: &str) -> Option<String> {
    let (n, ..) = first_from(text)?;
    Some(insert_after(text, n, new))
}

fn last_instruction(text: &str) -> Option<usize> {
    instruction_lines(text).last().copied()
}

/// Every mutation, in a fixed order.
pub const MUTATIONS: &[Mutation] = &[
    Mutation {
        name: "as-lower",
        apply: |t| {
            let (n, f, i, name) = named_from(t, 0)?;
            Some(replace_line(t, n, &from_line(&f, i, "as", Some(name))))
        },
    },
    Mutation {
        name: "stage-capitalised",
        apply: |t| {
            let (n, f, i, name) = named_from(t, 0)?;
            let mut c = name.chars();
            let first = c.next()?.to_ascii_uppercase();
            let upper = format!("{first}{}", c.as_str());
            (upper != name).then(|| replace_line(t, n, &from_line(&f, i, "AS", Some(&upper))))
        },
    },
    Mutation {
        name: "stage-duplicate",
        apply: |t| {
            let (_, _, _, first) = named_from(t, 0)?;
            let (n, f, i, _) = named_from(t, 1)?;
            Some(replace_line(t, n, &from_line(&f, i, "AS", Some(first))))
        },
    },
    Mutation {
        name: "stage-named-context",
        apply: |t| {
            let (n, f, i, _) = first_from(t)?;
            Some(replace_line(t, n, &from_line(&f, i, "AS", Some("context"))))
        },
    },
    Mutation {
        name: "stage-named-scratch",
        apply: |t| {
            let (n, f, i, _) = first_from(t)?;
            Some(replace_line(t, n, &from_line(&f, i, "AS", Some("scratch"))))
        },
    },
    Mutation {
        name: "stage-bad-name",
        apply: |t| {
            let (n, f, i, _) = first_from(t)?;
            Some(replace_line(t, n, &from_line(&f, i, "AS", Some("1st"))))
        },
    },
    Mutation {
        name: "from-undeclared-arg",
        apply: |t| {
            let (n, f, i, name) = first_from(t)?;
            let image = format!("{i}$UNDECLARED_TAG");
            Some(replace_line(t, n, &from_line(&f, &image, "AS", name)))
        },
    },
    Mutation {
        name: "from-arg-typo",
        apply: |t| {
            let (n, f, i, name) = first_from(t)?;
            let image = format!("{i}${{VERSON}}");
            let with = replace_line(t, n, &from_line(&f, &image, "AS", name));
            Some(format!("ARG VERSION=\n{with}"))
        },
    },
    Mutation {
        name: "from-platform-const",
        apply: |t| {
            let (n, _, i, name) = first_from(t)?;
            Some(replace_line(
                t,
                n,
                &from_line(&["--platform=linux/arm64"], i, "AS", name),
            ))
        },
    },
    Mutation {
        name: "from-platform-target",
        apply: |t| {
            let (n, _, i, name) = first_from(t)?;
            Some(replace_line(
                t,
                n,
                &from_line(&["--platform=$TARGETPLATFORM"], i, "AS", name),
            ))
        },
    },
    Mutation {
        name: "from-three-words",
        apply: |t| {
            let (n, f, i, _) = first_from(t)?;
            Some(replace_line(
                t,
                n,
                &format!("{} extra", from_line(&f, i, "AS", None)),
            ))
        },
    },
    Mutation {
        name: "expose-host-port",
        apply: |t| after_first_from(t, "EXPOSE 8443:443"),
    },
    Mutation {
        name: "expose-ip",
        apply: |t| after_first_from(t, "EXPOSE 127.0.0.1:9000:9000/tcp"),
    },
    Mutation {
        name: "expose-proto-upper",
        apply: |t| after_first_from(t, "EXPOSE 80/TCP 53/Udp"),
    },
    Mutation {
        name: "env-legacy",
        apply: |t| after_first_from(t, "ENV LEGACY_SETTING enabled"),
    },
    Mutation {
        name: "label-legacy",
        apply: |t| after_first_from(t, "LABEL maintainer someone@example.com"),
    },
    Mutation {
        name: "maintainer",
        apply: |t| after_first_from(t, "MAINTAINER Someone <someone@example.com>"),
    },
    Mutation {
        name: "cmd-shell",
        apply: |t| {
            let n = last_instruction(t)?;
            Some(insert_after(t, n, "CMD exec app --serve"))
        },
    },
    Mutation {
        name: "entrypoint-twice",
        apply: |t| {
            let n = last_instruction(t)?;
            let once = insert_after(t, n, "ENTRYPOINT [\"/app\"]");
            let n = last_instruction(&once)?;
            Some(insert_after(&once, n, "ENTRYPOINT [\"/app\", \"--serve\"]"))
        },
    },
    Mutation {
        name: "workdir-relative",
        apply: |t| after_first_from(t, "WORKDIR app"),
    },
    Mutation {
        name: "secret-arg",
        apply: |t| after_first_from(t, "ARG GITHUB_TOKEN\nENV DB_PASSWORD=changeme"),
    },
    Mutation {
        name: "undefined-var",
        apply: |t| after_first_from(t, "ENV CONFIG_DIR=$CONFG_HOME/app"),
    },
    Mutation {
        name: "keyword-lowercase",
        apply: |t| {
            let ls = lines(t);
            let n = *instruction_lines(t).get(1)?;
            let line = ls[n];
            let lead = line.len() - line.trim_start().len();
            let word_end = lead + line[lead..].find(char::is_whitespace)?;
            let lower = format!(
                "{}{}{}",
                &line[..lead],
                line[lead..word_end].to_ascii_lowercase(),
                line[word_end..].trim_end_matches(['\n', '\r'])
            );
            Some(replace_line(t, n, &lower))
        },
    },
    Mutation {
        name: "all-lowercase",
        apply: |t| {
            let ls = lines(t);
            let mut out = t.to_owned();
            for n in instruction_lines(t) {
                let line = ls[n];
                let lead = line.len() - line.trim_start().len();
                let Some(len) = line[lead..].find(char::is_whitespace) else {
                    continue;
                };
                let lower = format!(
                    "{}{}{}",
                    &line[..lead],
                    line[lead..lead + len].to_ascii_lowercase(),
                    line[lead + len..].trim_end_matches(['\n', '\r'])
                );
                out = replace_line(&out, n, &lower);
            }
            (out != t).then_some(out)
        },
    },
    Mutation {
        name: "empty-continuation",
        apply: |t| inside_continuation(t, "\n"),
    },
    Mutation {
        name: "comment-in-continuation",
        apply: |t| inside_continuation(t, "    # a note inside the instruction\n"),
    },
    Mutation {
        name: "copy-from-typo",
        apply: |t| {
            let (_, _, _, name) = named_from(t, 0)?;
            let typo = typo(name)?;
            let n = last_instruction(t)?;
            Some(insert_after(t, n, &format!("COPY --from={typo} /out /out")))
        },
    },
    Mutation {
        name: "copy-several-to-file",
        apply: |t| after_first_from(t, "COPY a.txt b.txt /dest"),
    },
    Mutation {
        name: "unknown-flag",
        apply: |t| after_first_from(t, "COPY --bogus=1 a /a"),
    },
    Mutation {
        name: "unknown-instruction",
        apply: |t| after_first_from(t, "RUNN make"),
    },
    Mutation {
        name: "unterminated-heredoc",
        apply: |t| {
            let n = last_instruction(t)?;
            let mut out = insert_after(t, n, "RUN <<EOT");
            out.push_str("echo never ends\n");
            Some(out)
        },
    },
    Mutation {
        name: "heredoc",
        apply: |t| after_first_from(t, "RUN <<EOT\n  set -e\n  echo \"$HOME\"\nEOT"),
    },
    Mutation {
        name: "crlf",
        apply: |t| (!t.contains('\r')).then(|| t.replace('\n', "\r\n")),
    },
    Mutation {
        name: "bom",
        apply: |t| (!t.starts_with('\u{feff}')).then(|| format!("\u{feff}{t}")),
    },
    Mutation {
        name: "check-skip-all",
        apply: |t| {
            let first = t.lines().next()?;
            (!first.starts_with('#')).then(|| format!("# check=skip=all\n{t}"))
        },
    },
    Mutation {
        name: "check-skip-casing",
        apply: |t| {
            let first = t.lines().next()?;
            let (n, f, i, name) = named_from(t, 0)?;
            let lowered = replace_line(t, n, &from_line(&f, i, "as", Some(name)));
            (!first.starts_with('#')).then(|| format!("# check=skip=FromAsCasing\n{lowered}"))
        },
    },
    Mutation {
        name: "blank-lines",
        apply: |t| {
            let n = *instruction_lines(t).get(1)?;
            let ls = lines(t);
            let mut out = String::new();
            for (i, l) in ls.iter().enumerate() {
                if i == n {
                    out.push_str("\n\n  \n");
                }
                out.push_str(l);
            }
            Some(out)
        },
    },
    // `# check=` comments before instructions: BuildKit skips the rules they name for the
    // instruction after them, except those it runs on the whole file; every other
    // instruction, so that the ones between keep their warnings.
    Mutation {
        name: "check-comments-skip-all",
        apply: |t| before_instructions(t, |k| if k % 2 == 1 { "# check=skip=all\n" } else { "" }),
    },
    Mutation {
        name: "check-comments-skip-named",
        apply: |t| before_instructions(t, |k| if k % 2 == 0 { SKIP_NAMED } else { "" }),
    },
    // Comments BuildKit does not take: after an empty `#`, indented, unreadable options,
    // a second `check=` (only the first counts), the value cut at its first space.
    Mutation {
        name: "check-comments-not-taken",
        apply: |t| {
            before_instructions(t, |k| match k % 5 {
                0 => "# check=skip=all\n#\n",
                1 => "  # check=skip=all\n",
                2 => "# check=skip=all;error=maybe\n",
                3 => "# check=skip=UndefinedArgInFrom\n# check=skip=all\n",
                _ => "# check=skip=UndefinedVar all\n",
            })
        },
    },
];

/// `text` with `comment(k)` (whole lines) inserted before the `k`-th instruction of the
/// file, from the second on (before the first, a `# check=` would be the directive);
/// `None` for a file of one instruction.
fn before_instructions(text: &str, comment: impl Fn(usize) -> &'static str) -> Option<String> {
    let starts = instruction_lines(text);
    if starts.len() < 2 {
        return None;
    }
    let ls = lines(text);
    let mut out = String::new();
    for (i, l) in ls.iter().enumerate() {
        if let Some(k) = starts.iter().position(|s| *s == i).filter(|k| *k > 0) {
            out.push_str(comment(k));
        }
        out.push_str(l);
    }
    Some(out)
}

/// The checks BuildKit runs per instruction that real files trip most, skipped by name
/// (with two of those it runs on the whole file, which stay).
const SKIP_NAMED: &str = "# check=skip=JSONArgsRecommended,UndefinedVar,LegacyKeyValueFormat,\
MaintainerDeprecated,FromAsCasing,StageNameCasing,WorkdirRelativePath,SecretsUsedInArgOrEnv,\
MultipleInstructionsDisallowed,ConsistentInstructionCasing,DuplicateStageName\n";

/// A misspelling of a stage name: two letters swapped, or one dropped.
fn typo(name: &str) -> Option<String> {
    let c: Vec<char> = name.chars().collect();
    if c.len() < 4 {
        return None;
    }
    let mut t = c.clone();
    t.swap(1, 2);
    if t == c {
        t.remove(1);
    }
    Some(t.into_iter().collect())
}

/// Every mutant of every file, `(file name, text)`: for each mutation, the first `per` files
/// (in the order given) it applies to, starting at a different file for each mutation so that
/// the set covers more of the corpus.
pub fn mutants(files: &[(String, String)], per: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if files.is_empty() {
        return out;
    }
    for (m, mutation) in MUTATIONS.iter().enumerate() {
        let mut taken = 0;
        let start = (m * 37) % files.len();
        for k in 0..files.len() {
            if taken == per {
                break;
            }
            let (name, text) = &files[(start + k) % files.len()];
            if let Some(mutant) = (mutation.apply)(text) {
                if mutant != *text {
                    let stem = name.trim_end_matches(".Dockerfile");
                    out.push((format!("{}__{stem}.Dockerfile", mutation.name), mutant));
                    taken += 1;
                }
            }
        }
    }
    out
}

/// The `FROM` lines of a text: (line index, base word, `AS` name).
fn graph_from_lines(text: &str) -> Vec<(usize, String, Option<String>)> {
    text.lines()
        .enumerate()
        .filter_map(|(n, l)| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let rest: Vec<&str> = match words.split_first() {
                Some((k, rest)) if k.eq_ignore_ascii_case("from") => rest
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with("--"))
                    .collect(),
                _ => return None,
            };
            match rest.as_slice() {
                [base] => Some((n, (*base).to_owned(), None)),
                [base, as_, name] if as_.eq_ignore_ascii_case("as") => {
                    Some((n, (*base).to_owned(), Some(name.to_lowercase())))
                }
                _ => None,
            }
        })
        .collect()
}

/// `text` with line `n` replaced.
fn with_line(text: &str, n: usize, line: &str) -> String {
    let mut out: Vec<String> = text.lines().map(str::to_owned).collect();
    if let Some(l) = out.get_mut(n) {
        *l = line.to_owned();
    }
    out.join("\n") + "\n"
}

/// Variants of the files BuildKit accepts (`(name, text)`, in the order given) aimed at how
/// a `FROM` and a reference are resolved: a `FROM` of an earlier stage's name built from a
/// global `ARG` (with the default that names it, without a default, with a modifier, with a
/// platform argument), the name in upper case, two stages of one name, `COPY --from=` of a
/// name in upper case, a mount's `from=` of a number (a name to BuildKit, never an index),
/// and `ONBUILD COPY --from=` of a later stage (resolved where the trigger runs). Files with
/// an `escape=` directive are left out (the edits write `\`-free lines, but keep it simple),
/// and the `ARG` variants skip files that start with a comment (a directive would stop
/// being one). Each variant is checked against bklint, never assumed to build.
pub fn graph_variants(files: &[(String, String)]) -> Vec<(String, String)> {
    let mut variants: Vec<(String, String)> = Vec::new();
    for (name, text) in files {
        if text.contains("escape=") {
            continue;
        }
        let froms = graph_from_lines(text);
        let (Some(first), Some(last)) = (froms.first(), froms.last()) else {
            continue;
        };
        let Some(stage) = froms[..froms.len() - 1].iter().find_map(|f| f.2.clone()) else {
            continue;
        };
        let (n, _, last_name) = last;
        let as_name = last_name
            .as_ref()
            .map_or(String::new(), |a| format!(" AS {a}"));
        let (prefix, suffix) = stage
            .rsplit_once('-')
            .map_or(("", stage.as_str()), |(p, s)| (p, s));
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}-")
        };
        let mut add = |what: &str, t: String| variants.push((format!("{what}__{name}"), t));
        if !text.starts_with('#') {
            add(
                "from-arg",
                format!(
                    "ARG G={suffix}\n{}",
                    with_line(text, *n, &format!("FROM {prefix}${{G}}{as_name}"))
                ),
            );
            add(
                "from-arg-unset",
                format!(
                    "ARG G\n{}",
                    with_line(text, *n, &format!("FROM {prefix}${{G}}{as_name}"))
                ),
            );
            add(
                "from-arg-modifier",
                format!(
                    "ARG G={suffix}.x\n{}",
                    with_line(text, *n, &format!("FROM \"{prefix}${{G%.*}}\"{as_name}"))
                ),
            );
        }
        add(
            "from-platform-arg",
            with_line(text, *n, &format!("FROM {prefix}${{TARGETOS}}{as_name}")),
        );
        add(
            "from-upper",
            with_line(text, *n, &format!("FROM {}{as_name}", stage.to_uppercase())),
        );
        add(
            "duplicate-name",
            with_line(text, *n, &format!("FROM {} AS {stage}", first.1)),
        );
        let body = text.trim_end().to_owned() + "\n";
        add(
            "copy-from-upper",
            format!("{body}COPY --from={} /a /a\n", stage.to_uppercase()),
        );
        add(
            "mount-from-number",
            format!("{body}RUN --mount=from=1,target=/x true\n"),
        );
        if let Some(later) = last_name.as_ref().filter(|l| **l != stage) {
            add(
                "onbuild-from-later",
                with_line(
                    text,
                    first.0,
                    &format!(
                        "{}\nONBUILD COPY --from={later} /a /a",
                        text.lines().nth(first.0).unwrap_or_default()
                    ),
                ),
            );
        }
    }
    variants
}
