//! The `dockerfile!` generator.

use super::builder::{builder_stage, dockerfile_builder, run_expr};
use super::*;

/// The same function written with the `dockerfile!` macro: a stage is declared in the macro
/// when the macro can say everything it holds, and with the builder otherwise (a stage with
/// named heredocs, said in a comment above it); global `ARG`s and directives go on
/// [`Dockerfile::builder`]. Rendering its result gives `df`'s text.
///
/// ```
/// let parsed = dockerdsl::parse("FROM alpine:3.20 AS app\nRUN apk add curl\n")?;
/// let code = dockerdsl::import::with_macro(parsed.dockerfile());
/// assert!(code.contains(
///     "    dockerdsl::dockerfile! {\n        app = FROM \"alpine:3.20\" AS \"app\" {\n            RUN \"apk add curl\";\n"
/// ));
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[must_use]
pub fn with_macro(df: &Dockerfile) -> String {
    let vars = stage_vars(df);
    let var_of = |s: &Stage| stage_var(df, &vars, s);
    let backtick = df.escape() == Escape::Backtick;
    let mut body = String::new();
    let mut in_macro = false;
    for (stage, var) in df.stages().iter().zip(&vars) {
        let lines: Option<Vec<String>> = stage
            .instructions()
            .iter()
            .map(|i| macro_instruction(i, &var_of, backtick))
            .collect();
        match lines {
            Some(lines) => {
                if !in_macro {
                    body.push_str("    dockerdsl::dockerfile! {\n");
                    in_macro = true;
                }
                let platform = stage
                    .platform()
                    .map(|p| format!("--platform={} ", lit(p.as_str())))
                    .unwrap_or_default();
                let base = match stage.base() {
                    Base::Scratch => "scratch".to_owned(),
                    Base::Image(i) => lit(i.as_str()),
                    Base::Stage(s) => var_of(s),
                    Base::Context(c) => format!("{{Context::new({})}}", lit(c.name())),
                };
                let _ = writeln!(
                    body,
                    "        {var} = FROM {platform}{base} AS {} {{",
                    lit(stage.name())
                );
                for line in lines {
                    let _ = writeln!(body, "            {line};");
                }
                body.push_str("        }\n");
                if let Some(c) = stage.leading_comment() {
                    // The macro has no comment above FROM: the stage is given it after, and
                    // the stages after it use that value.
                    body.push_str("    }\n");
                    in_macro = false;
                    let _ = writeln!(
                        body,
                        "    let {var} = {var}.with_leading_comment({});",
                        lit(c)
                    );
                }
            }
            None => {
                if in_macro {
                    body.push_str("    }\n");
                    in_macro = false;
                }
                // Said in the code, so that a reader does not wonder why this one stage is
                // not in the macro.
                let _ = writeln!(
                    body,
                    "    // `{var}` is written with the builder: the `dockerfile!` macro has no \
                     named heredocs (`COPY <<A <<B ...`)."
                );
                body.push_str(&builder_stage(stage, var, &var_of));
            }
        }
    }
    if in_macro {
        body.push_str("    }\n");
    }
    let mut out = header();
    out.push_str(&body);
    out.push_str(&dockerfile_builder(df, &vars));
    out
}

/// One instruction in the macro's syntax (without the `;`), or `None` when the macro cannot
/// say it.
fn macro_instruction(
    i: &Instruction,
    var_of: &dyn Fn(&Stage) -> String,
    backtick: bool,
) -> Option<String> {
    let values = |v: &[crate::Text]| v.iter().map(|s| lit(s)).collect::<Vec<_>>().join(" ");
    let pairs = |p: &[(crate::Text, crate::Text)]| {
        p.iter()
            .map(|(k, v)| format!("{} = {}", lit(k), lit(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let array = |v: &[crate::Text]| {
        format!(
            "[{}]",
            v.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ")
        )
    };
    let command = |c: &Command| match c {
        Command::Exec(argv) => array(argv),
        // The macro checks shell text against the default escape character.
        Command::Shell(s) if !backtick => lit(s),
        Command::Shell(s) => format!("{{Command::shell({})}}", lit(s)),
    };
    Some(match i {
        Instruction::Run(r) => {
            let plain = r.mounts.is_empty() && r.network.is_none() && r.security.is_none();
            match &r.command {
                RunCommand::Shell(s) if plain && !backtick => format!("RUN {}", lit(s)),
                RunCommand::Exec(argv) if plain => format!("RUN {}", array(argv)),
                _ => format!("RUN {{{}}}", run_expr(r, var_of)),
            }
        }
        Instruction::Cmd(c) => format!("CMD {}", command(c)),
        Instruction::Entrypoint(c) => format!("ENTRYPOINT {}", command(c)),
        Instruction::Shell(argv) => format!("SHELL {}", array(argv)),
        Instruction::Env(p) => format!("ENV {}", pairs(p)),
        Instruction::Label(p) => format!("LABEL {}", pairs(p)),
        Instruction::Arg(a) => match &a.default {
            Some(d) => format!("ARG {} = {}", lit(&a.name), lit(d)),
            None => format!("ARG {}", lit(&a.name)),
        },
        Instruction::Expose(ports) => {
            let p: Vec<String> = ports
                .iter()
                .map(|p| match (plain_port(p), p.as_variable()) {
                    (Some(n), _) => n.to_string(),
                    (None, None) => lit(&p.to_string()),
                    (None, Some(_)) => format!("{{{}}}", port(p)),
                })
                .collect();
            format!("EXPOSE {}", p.join(" "))
        }
        Instruction::Copy(c) => {
            let mut flags = Vec::new();
            match &c.from {
                Some(Source::Stage(s)) => flags.push(format!("--from={}", var_of(s))),
                Some(Source::Image(img)) => flags.push(format!("--from={}", lit(img.as_str()))),
                Some(Source::Context(ctx)) => {
                    flags.push(format!("--from={{Context::new({})}}", lit(ctx.name())));
                }
                None => {}
            }
            macro_file_flags(&mut flags, &c.chown, &c.chmod, c.link, &c.exclude);
            if c.parents {
                flags.push("--parents".into());
            }
            format!("COPY {}", macro_files(&flags, &c.sources, &c.dest)?)
        }
        Instruction::Add(a) => {
            let mut flags = Vec::new();
            macro_file_flags(&mut flags, &a.chown, &a.chmod, a.link, &a.exclude);
            if let Some(c) = &a.checksum {
                flags.push(format!("--checksum={}", lit(c)));
            }
            if let Some(k) = a.keep_git_dir {
                flags.push(format!("--keep-git-dir={k}"));
            }
            if let Some(u) = a.unpack {
                flags.push(format!("--unpack={u}"));
            }
            format!("ADD {}", macro_files(&flags, &a.sources, &a.dest)?)
        }
        Instruction::Volume(v) => format!("VOLUME {}", values(v)),
        Instruction::User(u) => format!("USER {}", lit(u)),
        Instruction::Workdir(w) => format!("WORKDIR {}", lit(w)),
        Instruction::OnBuild(inner) => {
            format!("ONBUILD {}", macro_instruction(inner, var_of, backtick)?)
        }
        Instruction::StopSignal(s) => format!("STOPSIGNAL {}", lit(s.as_str())),
        Instruction::Healthcheck(Healthcheck::None) => "HEALTHCHECK NONE".to_owned(),
        Instruction::Healthcheck(Healthcheck::Check(c)) => {
            let mut e = String::from("HEALTHCHECK");
            for (name, d) in timings(c) {
                let _ = write!(e, " --{name}={{{}}}", duration(d));
            }
            if let Some(r) = c.retries {
                let _ = write!(e, " --retries={r}");
            }
            let _ = write!(e, " CMD {}", command(&c.command));
            e
        }
        Instruction::Maintainer(m) => format!("MAINTAINER {}", lit(m)),
        // One `#` a line, as in the Dockerfile (the text renders the same).
        Instruction::Comment(c) => c
            .split('\n')
            .map(|line| format!("# {}", lit(line)))
            .collect::<Vec<_>>()
            .join(";\n            "),
    })
}

fn macro_file_flags(
    flags: &mut Vec<String>,
    chown: &Option<crate::Text>,
    chmod: &Option<Chmod>,
    link: bool,
    exclude: &[crate::Text],
) {
    if let Some(c) = chown {
        flags.push(format!("--chown={}", lit(c)));
    }
    match chmod {
        Some(Chmod::Octal(m)) => flags.push(format!("--chmod=0o{m:o}")),
        Some(Chmod::Symbolic(s)) => flags.push(format!("--chmod={}", lit(s))),
        None => {}
    }
    if link {
        flags.push("--link".into());
    }
    for x in exclude {
        flags.push(format!("--exclude={}", lit(x)));
    }
}

/// `flags SRC... DEST` or `flags << CONTENT DEST`; the macro has no named heredocs.
fn macro_files(flags: &[String], sources: &Sources, dest: &str) -> Option<String> {
    let mut words: Vec<String> = flags.to_vec();
    match sources {
        Sources::Paths(p) => words.extend(p.iter().map(|s| lit(s))),
        Sources::Inline(c) => words.push(format!("<< {}", lit(c))),
        Sources::Heredocs(_) => return None,
    }
    words.push(lit(dest));
    Some(words.join(" "))
}
