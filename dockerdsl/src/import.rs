//! Rust source that builds a [`Dockerfile`] with the builder API: what `dockerdsl import`
//! prints for an existing Dockerfile.

use crate::model::dockerfile::{Dockerfile, Escape, Syntax};
use crate::model::instruction::{
    Add, Command, Copy, Healthcheck, HealthcheckCmd, Heredoc, Instruction, Run, RunCommand, Sources,
};
use crate::model::mount::{Mount, Sharing};
use crate::model::source::Source;
use crate::model::stage::{Base, Stage};
use crate::model::values::{Chmod, Network, Port, Protocol, Security};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::time::Duration;

/// A Rust function `pub fn dockerfile() -> Result<Dockerfile, Error>` that builds `df`:
/// rendering its result gives `df`'s text.
///
/// ```
/// let parsed = dockerdsl::parse("FROM alpine:3.20 AS app\nRUN apk add curl\n")?;
/// let code = dockerdsl::import::builder(parsed.dockerfile());
/// assert!(code.contains(
///     "let app = Stage::from_image(\"app\", \"alpine:3.20\")\n        .run(\"apk add curl\");\n"
/// ));
/// # Ok::<(), dockerdsl::ParseErrors>(())
/// ```
#[must_use]
pub fn builder(df: &Dockerfile) -> String {
    let vars = stage_vars(df);
    let var_of = |s: &Stage| stage_var(df, &vars, s);
    let mut out = header();
    for (stage, var) in df.stages().iter().zip(&vars) {
        out.push_str(&builder_stage(stage, var, &var_of));
    }
    out.push_str(&dockerfile_builder(df, &vars));
    out
}

/// The imports and the function's first line.
fn header() -> String {
    let mut out = String::new();
    out.push_str("#[allow(unused_imports)]\n");
    out.push_str("use dockerdsl::{\n    Add, Arg, BuildChecks, Chmod, Command, Context, Copy, Dockerfile, Error, Escape,\n    Healthcheck, Heredoc, Instruction, Mount, Network, Port, Protocol, Run, Security, Sharing,\n    Source, Stage, Syntax,\n};\n");
    out.push_str("#[allow(unused_imports)]\nuse std::time::Duration;\n\n");
    out.push_str(
        "/// The Dockerfile, as Rust values.\npub fn dockerfile() -> Result<Dockerfile, Error> {\n",
    );
    out
}

/// The Rust variable of each stage of `df`, in file order, each name used once.
fn stage_vars(df: &Dockerfile) -> Vec<String> {
    let mut names = Names::default();
    df.stages().iter().map(|s| names.var(s.name())).collect()
}

/// The variable of a referenced stage (stage names are unique in a `Dockerfile`).
fn stage_var(df: &Dockerfile, vars: &[String], stage: &Stage) -> String {
    df.stages()
        .iter()
        .position(|x| x.name() == stage.name())
        .and_then(|i| vars.get(i))
        .cloned()
        .unwrap_or_else(|| "missing_stage".to_owned())
}

/// `let var = Stage::...` with the builder.
fn builder_stage(stage: &Stage, var: &str, var_of: &dyn Fn(&Stage) -> String) -> String {
    let base = match stage.base() {
        Base::Scratch => format!("Stage::from_scratch({})", lit(stage.name())),
        Base::Image(i) => format!(
            "Stage::from_image({}, {})",
            lit(stage.name()),
            lit(i.as_str())
        ),
        Base::Stage(s) => format!("Stage::from_stage({}, &{})", lit(stage.name()), var_of(s)),
        Base::Context(c) => format!(
            "Stage::from_context({}, Context::new({}))",
            lit(stage.name()),
            lit(c.name())
        ),
    };
    let mut out = format!("    let {var} = {base}");
    if let Some(p) = stage.platform() {
        let _ = write!(out, "\n        .on_platform({})", lit(p.as_str()));
    }
    if let Some(c) = stage.leading_comment() {
        let _ = write!(out, "\n        .with_leading_comment({})", lit(c));
    }
    for i in stage.instructions() {
        let _ = write!(out, "\n        {}", method(i, var_of));
    }
    out.push_str(";\n");
    out
}

/// `Dockerfile::builder()...build()` and the end of the function.
fn dockerfile_builder(df: &Dockerfile, vars: &[String]) -> String {
    let mut out = String::from("    Dockerfile::builder()");
    let syntax = match df.syntax() {
        Syntax::Stable => "Syntax::Stable".to_owned(),
        Syntax::Minor(n) => format!("Syntax::Minor({n})"),
        Syntax::Omitted => "Syntax::Omitted".to_owned(),
        Syntax::Frontend(f) => format!("Syntax::Frontend({}.into())", lit(&f)),
    };
    let _ = write!(out, "\n        .syntax({syntax})");
    if df.escape() == Escape::Backtick {
        out.push_str("\n        .escape(Escape::Backtick)");
    }
    if let Some(c) = df.checks() {
        let mut e = String::from("BuildChecks::new()");
        if c.skip_all {
            e.push_str(".skip_all()");
        }
        for r in &c.skip {
            let _ = write!(e, ".skip({})", lit(r));
        }
        if let Some(b) = c.error {
            let _ = write!(e, ".error({b})");
        }
        if c.experimental_all {
            e.push_str(".experimental_all()");
        }
        for r in &c.experimental {
            let _ = write!(e, ".experimental({})", lit(r));
        }
        let _ = write!(out, "\n        .checks({e})");
    }
    for (i, arg) in df.args().iter().enumerate() {
        for (_, c) in df.arg_comments().iter().filter(|(n, _)| *n == i) {
            let _ = write!(out, "\n        .comment({})", lit(c));
        }
        let _ = write!(out, "\n        .arg({})", arg_expr(arg));
    }
    for (_, c) in df
        .arg_comments()
        .iter()
        .filter(|(n, _)| *n == df.args().len())
    {
        let _ = write!(out, "\n        .comment({})", lit(c));
    }
    for var in vars {
        let _ = write!(out, "\n        .target(&{var})");
    }
    out.push_str("\n        .build()\n}\n");
    out
}

/// Rust identifiers for stage names, each once.
#[derive(Default)]
struct Names(BTreeSet<String>);

impl Names {
    fn var(&mut self, name: &str) -> String {
        let mut v: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if v.is_empty() || v.starts_with(|c: char| c.is_ascii_digit()) {
            v.insert_str(0, "stage_");
        }
        if KEYWORDS.contains(&v.as_str()) {
            v.push('_');
        }
        let mut candidate = v.clone();
        let mut n = 1;
        while !self.0.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{v}_{n}");
        }
        candidate
    }
}

const KEYWORDS: [&str; 52] = [
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "union",
];

/// A Rust string literal: a raw literal over several lines for text with newlines (a
/// script, a file's content), so that it reads as in the Dockerfile; else escaped.
fn lit(s: &str) -> String {
    let plain = !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if s.contains('\n') && plain {
        let mut hashes = String::new();
        while s.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        return format!("r{hashes}\"{s}\"{hashes}");
    }
    format!("{s:?}")
}

fn list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("[{}]", parts.join(", "))
}

fn vec_of(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| format!("{}.into()", lit(s))).collect();
    format!("vec![{}]", parts.join(", "))
}

fn arg_expr(arg: &crate::model::instruction::Arg) -> String {
    match &arg.default {
        Some(d) => format!("Arg::new({}).default({})", lit(&arg.name), lit(d)),
        None => format!("Arg::new({})", lit(&arg.name)),
    }
}

fn pairs(p: &[(String, String)]) -> String {
    let parts: Vec<String> = p
        .iter()
        .map(|(k, v)| format!("({}, {})", lit(k), lit(v)))
        .collect();
    format!("[{}]", parts.join(", "))
}

/// A chained stage method for one instruction.
fn method(i: &Instruction, var_of: &dyn Fn(&Stage) -> String) -> String {
    let array = |v: &[String]| {
        format!(
            "[{}]",
            v.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ")
        )
    };
    let command = |c: &Command| match c {
        Command::Exec(argv) if !argv.is_empty() => array(argv),
        other => command(other),
    };
    match i {
        Instruction::Run(r) => match &r.command {
            RunCommand::Shell(s)
                if r.mounts.is_empty() && r.network.is_none() && r.security.is_none() =>
            {
                format!(".run({})", lit(s))
            }
            _ => format!(".run({})", run_expr(r, var_of)),
        },
        Instruction::Cmd(c) => format!(".cmd({})", command(c)),
        Instruction::Entrypoint(c) => format!(".entrypoint({})", command(c)),
        Instruction::Shell(argv) => format!(".shell({})", array(argv)),
        Instruction::Env(p) => format!(".envs({})", pairs(p)),
        Instruction::Label(p) => format!(".labels({})", pairs(p)),
        Instruction::Arg(a) => format!(".arg({})", arg_expr(a)),
        Instruction::Expose(ports) => {
            let parts: Vec<String> = ports.iter().map(port).collect();
            format!(".expose_all([{}])", parts.join(", "))
        }
        Instruction::Copy(c) => match (&c.sources, &c.from) {
            (Sources::Paths(p), from) if p.len() == 1 && plain_copy(c) => match from {
                None => format!(".copy({}, {})", lit(&p[0]), lit(&c.dest)),
                Some(f) => format!(
                    ".copy_from({}, {}, {})",
                    source(f, var_of),
                    lit(&p[0]),
                    lit(&c.dest)
                ),
            },
            _ => format!(".push({})", copy_expr(c, var_of)),
        },
        Instruction::Add(a) => format!(".push({})", add_expr(a)),
        Instruction::Volume(v) if v.len() == 1 => format!(".volume({})", lit(&v[0])),
        Instruction::User(u) => format!(".user({})", lit(u)),
        Instruction::Workdir(w) => format!(".workdir({})", lit(w)),
        Instruction::StopSignal(s) => format!(".stopsignal({})", lit(s.as_str())),
        Instruction::Healthcheck(Healthcheck::Check(c)) => {
            format!(".healthcheck({})", check_expr(c))
        }
        Instruction::Maintainer(m) => format!(".maintainer({})", lit(m)),
        Instruction::Comment(c) => format!(".comment({})", lit(c)),
        Instruction::OnBuild(inner) => format!(".onbuild({})", expr(inner, var_of)),
        other => format!(".push({})", expr(other, var_of)),
    }
}

/// An expression of type `Instruction` (or convertible into one).
fn expr(i: &Instruction, var_of: &dyn Fn(&Stage) -> String) -> String {
    match i {
        Instruction::Run(r) => format!("Instruction::Run({})", run_expr(r, var_of)),
        Instruction::Cmd(c) => format!("Instruction::Cmd({})", command(c)),
        Instruction::Entrypoint(c) => format!("Instruction::Entrypoint({})", command(c)),
        Instruction::Shell(argv) => format!("Instruction::Shell({})", vec_of(argv)),
        Instruction::Env(p) => format!("Instruction::Env({})", pair_vec(p)),
        Instruction::Label(p) => format!("Instruction::Label({})", pair_vec(p)),
        Instruction::Arg(a) => format!("Instruction::Arg({})", arg_expr(a)),
        Instruction::Expose(ports) => {
            let parts: Vec<String> = ports.iter().map(port).collect();
            format!("Instruction::Expose(vec![{}])", parts.join(", "))
        }
        Instruction::Copy(c) => format!("Instruction::Copy({})", copy_expr(c, var_of)),
        Instruction::Add(a) => format!("Instruction::Add({})", add_expr(a)),
        Instruction::Volume(v) => format!("Instruction::Volume({})", vec_of(v)),
        Instruction::User(u) => format!("Instruction::User({}.into())", lit(u)),
        Instruction::Workdir(w) => format!("Instruction::Workdir({}.into())", lit(w)),
        Instruction::OnBuild(inner) => {
            format!("Instruction::OnBuild(Box::new({}))", expr(inner, var_of))
        }
        Instruction::StopSignal(s) => {
            format!("Instruction::StopSignal({}.into())", lit(s.as_str()))
        }
        Instruction::Healthcheck(h) => format!("Instruction::Healthcheck({})", health(h)),
        Instruction::Maintainer(m) => format!("Instruction::Maintainer({}.into())", lit(m)),
        Instruction::Comment(c) => format!("Instruction::Comment({}.into())", lit(c)),
    }
}

fn pair_vec(p: &[(String, String)]) -> String {
    let parts: Vec<String> = p
        .iter()
        .map(|(k, v)| format!("({}.into(), {}.into())", lit(k), lit(v)))
        .collect();
    format!("vec![{}]", parts.join(", "))
}

fn port(p: &Port) -> String {
    let base = if let Some(v) = p.as_variable() {
        format!("Port::variable({})", lit(v))
    } else if p.start() == p.end() {
        format!("Port::tcp({})", p.start())
    } else {
        format!("Port::range({}, {})", p.start(), p.end())
    };
    match p.get_protocol() {
        Protocol::Tcp => base,
        Protocol::Udp => format!("{base}.protocol(Protocol::Udp)"),
        Protocol::Sctp => format!("{base}.protocol(Protocol::Sctp)"),
    }
}

fn command(c: &Command) -> String {
    match c {
        Command::Exec(argv) if !argv.is_empty() => format!("Command::exec({})", list(argv)),
        Command::Exec(argv) => format!("Command::Exec({})", vec_of(argv)),
        Command::Shell(s) => format!("Command::shell({})", lit(s)),
    }
}

fn duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("Duration::from_secs({})", d.as_secs())
    } else {
        format!("Duration::new({}, {})", d.as_secs(), d.subsec_nanos())
    }
}

fn health(h: &Healthcheck) -> String {
    match h {
        Healthcheck::None => "Healthcheck::None".to_owned(),
        Healthcheck::Check(c) => format!("Healthcheck::Check({})", check_expr(c)),
    }
}

/// A check's timings that are set, by their flag names (the builder's setters are the same
/// names with `_`), for both forms of the import.
fn timings(c: &HealthcheckCmd) -> impl Iterator<Item = (&'static str, Duration)> {
    [
        ("interval", c.interval),
        ("timeout", c.timeout),
        ("start-period", c.start_period),
        ("start-interval", c.start_interval),
    ]
    .into_iter()
    .filter_map(|(name, d)| Some((name, d?)))
}

/// `Healthcheck::cmd(..)` with its timings: a `HealthcheckCmd`.
fn check_expr(c: &HealthcheckCmd) -> String {
    let mut e = format!("Healthcheck::cmd({})", command(&c.command));
    for (name, d) in timings(c) {
        let _ = write!(e, ".{}({})", name.replace('-', "_"), duration(d));
    }
    if let Some(r) = c.retries {
        let _ = write!(e, ".retries({r})");
    }
    e
}

fn heredocs(docs: &[Heredoc]) -> String {
    let parts: Vec<String> = docs
        .iter()
        .map(|d| {
            let e = format!("Heredoc::new({}, {})", lit(&d.name), lit(&d.content));
            if d.expand { format!("{e}.expand()") } else { e }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

fn source(s: &Source, var_of: &dyn Fn(&Stage) -> String) -> String {
    match s {
        Source::Stage(stage) => format!("&{}", var_of(stage)),
        Source::Image(i) => format!("Source::image({})", lit(i.as_str())),
        Source::Context(c) => format!("Context::new({})", lit(c.name())),
    }
}

fn run_expr(r: &Run, var_of: &dyn Fn(&Stage) -> String) -> String {
    let mut e = match &r.command {
        RunCommand::Shell(s) => format!("Run::new({})", lit(s)),
        RunCommand::Chain(c) => format!("Run::chain({})", list(c)),
        RunCommand::Lines(l) => format!("Run::lines({})", list(l)),
        RunCommand::Exec(argv) => {
            if argv.is_empty() {
                "Run::exec(Vec::<String>::new())".to_owned()
            } else {
                format!("Run::exec({})", list(argv))
            }
        }
        RunCommand::Heredocs {
            command,
            heredocs: docs,
        } => {
            format!("Run::heredocs({}, {})", lit(command), heredocs(docs))
        }
    };
    for m in &r.mounts {
        let _ = write!(e, "\n            .mount({})", mount(m, var_of));
    }
    if let Some(n) = r.network {
        let n = match n {
            Network::Default => "Default",
            Network::None => "None",
            Network::Host => "Host",
        };
        let _ = write!(e, "\n            .network(Network::{n})");
    }
    if let Some(s) = r.security {
        let s = match s {
            Security::Sandbox => "Sandbox",
            Security::Insecure => "Insecure",
        };
        let _ = write!(e, "\n            .security(Security::{s})");
    }
    e
}

fn owner(e: &mut String, mode: Option<u32>, uid: Option<u32>, gid: Option<u32>) {
    if let Some(m) = mode {
        let _ = write!(e, ".mode(0o{m:o})");
    }
    if let Some(u) = uid {
        let _ = write!(e, ".uid({u})");
    }
    if let Some(g) = gid {
        let _ = write!(e, ".gid({g})");
    }
}

fn mount(m: &Mount, var_of: &dyn Fn(&Stage) -> String) -> String {
    let mut e;
    match m {
        Mount::Bind(b) => {
            e = format!("Mount::bind({})", lit(&b.target));
            if let Some(s) = &b.source {
                let _ = write!(e, ".source({})", lit(s));
            }
            if let Some(f) = &b.from {
                let _ = write!(e, ".from({})", source(f, var_of));
            }
            if b.rw {
                e.push_str(".rw()");
            }
        }
        Mount::Cache(c) => {
            e = format!("Mount::cache({})", lit(&c.target));
            if let Some(id) = &c.id {
                let _ = write!(e, ".id({})", lit(id));
            }
            if let Some(s) = c.sharing {
                let s = match s {
                    Sharing::Shared => "Shared",
                    Sharing::Private => "Private",
                    Sharing::Locked => "Locked",
                };
                let _ = write!(e, ".sharing(Sharing::{s})");
            }
            if let Some(s) = &c.source {
                let _ = write!(e, ".source({})", lit(s));
            }
            if let Some(f) = &c.from {
                let _ = write!(e, ".from({})", source(f, var_of));
            }
            if c.ro {
                e.push_str(".ro()");
            }
            owner(&mut e, c.mode, c.uid, c.gid);
        }
        Mount::Tmpfs(t) => {
            e = format!("Mount::tmpfs({})", lit(&t.target));
            if let Some(s) = t.size {
                let _ = write!(e, ".size({s})");
            }
        }
        Mount::Secret(s) => {
            e = format!("Mount::secret({})", lit(&s.id));
            if let Some(t) = &s.target {
                let _ = write!(e, ".target({})", lit(t));
            }
            if let Some(v) = &s.env {
                let _ = write!(e, ".env({})", lit(v));
            }
            if s.required {
                e.push_str(".required()");
            }
            owner(&mut e, s.mode, s.uid, s.gid);
        }
        Mount::Ssh(s) => {
            e = "Mount::ssh()".to_owned();
            if let Some(id) = &s.id {
                let _ = write!(e, ".id({})", lit(id));
            }
            if let Some(t) = &s.target {
                let _ = write!(e, ".target({})", lit(t));
            }
            if s.required {
                e.push_str(".required()");
            }
            owner(&mut e, s.mode, s.uid, s.gid);
        }
    }
    e
}

fn sources_ctor(ty: &str, sources: &Sources, dest: &str) -> String {
    match sources {
        Sources::Paths(p) if p.len() == 1 => format!("{ty}::new({}, {})", lit(&p[0]), lit(dest)),
        Sources::Paths(p) => format!("{ty}::many({}, {})", list(p), lit(dest)),
        Sources::Inline(c) => format!("{ty}::inline({}, {})", lit(c), lit(dest)),
        Sources::Heredocs(d) => format!("{ty}::heredocs({}, {})", heredocs(d), lit(dest)),
    }
}

fn file_options(
    e: &mut String,
    chown: &Option<String>,
    chmod: &Option<Chmod>,
    link: bool,
    exclude: &[String],
) {
    if let Some(c) = chown {
        let _ = write!(e, ".chown({})", lit(c));
    }
    match chmod {
        Some(Chmod::Octal(m)) => {
            let _ = write!(e, ".chmod(0o{m:o})");
        }
        Some(Chmod::Symbolic(s)) => {
            let _ = write!(e, ".chmod(Chmod::symbolic({}))", lit(s));
        }
        None => {}
    }
    if link {
        e.push_str(".link()");
    }
    for x in exclude {
        let _ = write!(e, ".exclude({})", lit(x));
    }
}

/// A COPY with no flag but `--from`.
fn plain_copy(c: &Copy) -> bool {
    c.chown.is_none() && c.chmod.is_none() && !c.link && !c.parents && c.exclude.is_empty()
}

fn copy_expr(c: &Copy, var_of: &dyn Fn(&Stage) -> String) -> String {
    let mut e = sources_ctor("Copy", &c.sources, &c.dest);
    if let Some(f) = &c.from {
        let _ = write!(e, ".from({})", source(f, var_of));
    }
    file_options(&mut e, &c.chown, &c.chmod, c.link, &c.exclude);
    if c.parents {
        e.push_str(".parents()");
    }
    e
}

fn add_expr(a: &Add) -> String {
    let mut e = sources_ctor("Add", &a.sources, &a.dest);
    file_options(&mut e, &a.chown, &a.chmod, a.link, &a.exclude);
    if let Some(c) = &a.checksum {
        let _ = write!(e, ".checksum({})", lit(c));
    }
    if let Some(k) = a.keep_git_dir {
        let _ = write!(e, ".keep_git_dir({k})");
    }
    if let Some(u) = a.unpack {
        let _ = write!(e, ".unpack({u})");
    }
    e
}

/// The same function written with the `dockerfile!` macro: a stage is declared in the macro
/// when the macro can say everything it holds, and with the builder otherwise (a stage with
/// named heredocs, a comment above its `FROM`); global `ARG`s and directives go on
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
    let values = |v: &[String]| v.iter().map(|s| lit(s)).collect::<Vec<_>>().join(" ");
    let pairs = |p: &[(String, String)]| {
        p.iter()
            .map(|(k, v)| format!("{} = {}", lit(k), lit(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let array = |v: &[String]| {
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
            let p: Vec<String> = ports.iter().map(|p| format!("{{{}}}", port(p))).collect();
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
    chown: &Option<String>,
    chmod: &Option<Chmod>,
    link: bool,
    exclude: &[String],
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
