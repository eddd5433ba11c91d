//! The builder-API generator: `let app = Stage::from_image(..).run(..);`.

use super::*;

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

/// `let var = Stage::...` with the builder.
pub(super) fn builder_stage(stage: &Stage, var: &str, var_of: &dyn Fn(&Stage) -> String) -> String {
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
pub(super) fn dockerfile_builder(df: &Dockerfile, vars: &[String]) -> String {
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

pub(super) fn arg_expr(arg: &crate::model::instruction::Arg) -> String {
    match &arg.default {
        Some(d) => format!("Arg::new({}).default({})", lit(&arg.name), lit(d)),
        None => format!("Arg::new({})", lit(&arg.name)),
    }
}

/// A chained stage method for one instruction.
pub(super) fn method(i: &Instruction, var_of: &dyn Fn(&Stage) -> String) -> String {
    let array = |v: &[crate::Text]| {
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
        // The simplest call for what the instruction holds: `.env(k, v)` for one pair,
        // `.expose(8080)` for one TCP port, a port's text (`"53/udp"`) otherwise.
        Instruction::Env(p) if p.len() == 1 => format!(".env({}, {})", lit(&p[0].0), lit(&p[0].1)),
        Instruction::Env(p) => format!(".envs({})", pairs(p)),
        Instruction::Label(p) if p.len() == 1 => {
            format!(".label({}, {})", lit(&p[0].0), lit(&p[0].1))
        }
        Instruction::Label(p) => format!(".labels({})", pairs(p)),
        Instruction::Arg(a) => format!(".arg({})", arg_expr(a)),
        Instruction::Expose(ports) => {
            let numbers: Option<Vec<String>> = ports
                .iter()
                .map(|p| plain_port(p).map(|n| n.to_string()))
                .collect();
            let parts =
                numbers.unwrap_or_else(|| ports.iter().map(|p| lit(&p.to_string())).collect());
            match parts.as_slice() {
                [one] => format!(".expose({one})"),
                _ => format!(".expose_all([{}])", parts.join(", ")),
            }
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
pub(super) fn expr(i: &Instruction, var_of: &dyn Fn(&Stage) -> String) -> String {
    match i {
        Instruction::Run(r) => format!("Instruction::Run({})", run_expr(r, var_of)),
        Instruction::Cmd(c) => format!("Instruction::Cmd({})", command(c)),
        Instruction::Entrypoint(c) => format!("Instruction::Entrypoint({})", command(c)),
        Instruction::Shell(argv) => format!("Instruction::Shell({})", texts_of(argv)),
        Instruction::Env(p) => format!("Instruction::Env({})", pairs_of(p)),
        Instruction::Label(p) => format!("Instruction::Label({})", pairs_of(p)),
        Instruction::Arg(a) => format!("Instruction::Arg({})", arg_expr(a)),
        Instruction::Expose(ports) => {
            let parts: Vec<String> = ports.iter().map(port).collect();
            format!("Instruction::Expose([{}].into())", parts.join(", "))
        }
        Instruction::Copy(c) => format!("Instruction::Copy({})", copy_expr(c, var_of)),
        Instruction::Add(a) => format!("Instruction::Add({})", add_expr(a)),
        Instruction::Volume(v) => format!("Instruction::Volume({})", texts_of(v)),
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

/// The payload of `Instruction::Env` or `Label` (a `Pairs`): an array converted with
/// `.into()`.
pub(super) fn pairs_of(p: &[(crate::Text, crate::Text)]) -> String {
    let parts: Vec<String> = p
        .iter()
        .map(|(k, v)| format!("({}.into(), {}.into())", lit(k), lit(v)))
        .collect();
    format!("[{}].into()", parts.join(", "))
}

pub(super) fn health(h: &Healthcheck) -> String {
    match h {
        Healthcheck::None => "Healthcheck::None".to_owned(),
        Healthcheck::Check(c) => format!("Healthcheck::Check({})", check_expr(c)),
    }
}

/// `Healthcheck::cmd(..)` with its timings: a `HealthcheckCmd`.
pub(super) fn check_expr(c: &HealthcheckCmd) -> String {
    let mut e = format!("Healthcheck::cmd({})", command(&c.command));
    for (name, d) in timings(c) {
        let _ = write!(e, ".{}({})", name.replace('-', "_"), duration(d));
    }
    if let Some(r) = c.retries {
        let _ = write!(e, ".retries({r})");
    }
    e
}

pub(super) fn source(s: &Source, var_of: &dyn Fn(&Stage) -> String) -> String {
    match s {
        Source::Stage(stage) => format!("&{}", var_of(stage)),
        Source::Image(i) => format!("Source::image({})", lit(i.as_str())),
        Source::Context(c) => format!("Context::new({})", lit(c.name())),
    }
}

pub(super) fn run_expr(r: &Run, var_of: &dyn Fn(&Stage) -> String) -> String {
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

pub(super) fn owner(e: &mut String, mode: Option<u32>, uid: Option<u32>, gid: Option<u32>) {
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

pub(super) fn mount(m: &Mount, var_of: &dyn Fn(&Stage) -> String) -> String {
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

pub(super) fn sources_ctor(ty: &str, sources: &Sources, dest: &str) -> String {
    match sources {
        Sources::Paths(p) if p.len() == 1 => format!("{ty}::new({}, {})", lit(&p[0]), lit(dest)),
        Sources::Paths(p) => format!("{ty}::many({}, {})", list(p), lit(dest)),
        Sources::Inline(c) => format!("{ty}::inline({}, {})", lit(c), lit(dest)),
        Sources::Heredocs(d) => format!("{ty}::heredocs({}, {})", heredocs(d), lit(dest)),
    }
}

pub(super) fn file_options(
    e: &mut String,
    chown: &Option<crate::Text>,
    chmod: &Option<Chmod>,
    link: bool,
    exclude: &[crate::Text],
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
pub(super) fn plain_copy(c: &Copy) -> bool {
    c.chown.is_none() && c.chmod.is_none() && !c.link && !c.parents && c.exclude.is_empty()
}

pub(super) fn copy_expr(c: &Copy, var_of: &dyn Fn(&Stage) -> String) -> String {
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

pub(super) fn add_expr(a: &Add) -> String {
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
