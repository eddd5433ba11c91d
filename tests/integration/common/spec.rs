//! A whole Dockerfile described as plain data (stages, every instruction and flag, free text
//! in every field), the `dockerdsl` model built from it, and what a parser must read back
//! from the rendered text ([`Read`]). The oracle tests generate specs with proptest; the fuzz
//! target decodes them from bytes.
//!
//! The spec is the test's own account of what the user asked for: expectations come from
//! it, never from the model's getters or the renderer, so a renderer that drops or changes a
//! value shows up as a mismatch.

use dockerdsl::{
    Add, Arg, Chmod, Command, Context, Copy, Dockerfile, Escape, Healthcheck, Instruction, Mount,
    Network, Port, Protocol, Run, Security, Sharing, Source, Stage, Text,
};
use std::time::Duration;

/// A Dockerfile: global `ARG`s, then stages; stage `i` depends on stage `i - 1`.
#[derive(Debug, Clone)]
pub struct Spec {
    pub escape: Escape,
    pub args: Vec<(String, Option<String>)>,
    pub stages: Vec<StageSpec>,
}

#[derive(Debug, Clone)]
pub struct StageSpec {
    pub base: BaseSpec,
    pub platform: Option<String>,
    pub insts: Vec<InstSpec>,
}

#[derive(Debug, Clone)]
pub enum BaseSpec {
    Image(String),
    Scratch,
    Context(String),
    /// The previous stage (the first stage uses `alpine:3.20` instead).
    Prev,
}

#[derive(Debug, Clone)]
pub enum CmdSpec {
    Exec(Vec<String>),
    Shell(String),
}

#[derive(Debug, Clone)]
pub enum RunCmd {
    Shell(String),
    Chain(Vec<String>),
    Exec(Vec<String>),
}

#[derive(Debug, Clone)]
pub enum MountSpec {
    Bind {
        target: String,
        source: Option<String>,
        from_prev: bool,
        rw: bool,
    },
    Cache {
        target: String,
        id: Option<String>,
        sharing: Option<u8>,
        source: Option<String>,
        from_prev: bool,
        ro: bool,
        owner: Owner,
    },
    Tmpfs {
        target: String,
        size: Option<u64>,
    },
    Secret {
        id: String,
        target: Option<String>,
        env: Option<String>,
        required: bool,
        owner: Owner,
    },
    Ssh {
        id: Option<String>,
        target: Option<String>,
        required: bool,
        owner: Owner,
    },
}

/// `mode`, `uid`, `gid` of a cache, secret or ssh mount.
#[derive(Debug, Clone, Default)]
pub struct Owner {
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

#[derive(Debug, Clone)]
pub enum FileSources {
    Paths(Vec<String>),
    Inline(String),
}

/// `COPY` (`add == false`) or `ADD`, with every flag either takes.
#[derive(Debug, Clone)]
pub struct FilesSpec {
    pub add: bool,
    pub sources: FileSources,
    pub dest: String,
    pub from: Option<FromSpec>,
    pub chown: Option<String>,
    pub chmod: Option<ChmodSpec>,
    pub link: bool,
    pub exclude: Vec<String>,
    pub parents: bool,
    pub checksum: Option<String>,
    pub keep_git_dir: Option<bool>,
    pub unpack: Option<bool>,
}

#[derive(Debug, Clone)]
pub enum FromSpec {
    Prev,
    Image(String),
    Context(String),
}

#[derive(Debug, Clone)]
pub enum ChmodSpec {
    Octal(u32),
    Symbolic(String),
}

#[derive(Debug, Clone)]
pub struct HealthSpec {
    pub cmd: CmdSpec,
    /// interval, timeout, start period, start interval.
    pub durations: [Option<Duration>; 4],
    pub retries: Option<u32>,
}

#[derive(Debug, Clone)]
pub enum InstSpec {
    Run {
        cmd: RunCmd,
        mounts: Vec<MountSpec>,
        network: Option<u8>,
        security: Option<u8>,
    },
    Cmd(CmdSpec),
    Entrypoint(CmdSpec),
    Shell(Vec<String>),
    Env(Vec<(String, String)>),
    Label(Vec<(String, String)>),
    Maintainer(String),
    Arg(String, Option<String>),
    Expose(Vec<(u16, u16, u8)>),
    Files(Box<FilesSpec>),
    Volume(Vec<String>),
    User(String),
    Workdir(String),
    OnBuild(Box<InstSpec>),
    StopSignal(String),
    Healthcheck(Option<Box<HealthSpec>>),
    Comment(String),
}

const NETWORKS: [Network; 3] = [Network::Default, Network::None, Network::Host];
const SECURITIES: [Security; 2] = [Security::Sandbox, Security::Insecure];
const SHARINGS: [Sharing; 3] = [Sharing::Shared, Sharing::Private, Sharing::Locked];
const PROTOCOLS: [(Protocol, &str); 3] = [
    (Protocol::Tcp, "tcp"),
    (Protocol::Udp, "udp"),
    (Protocol::Sctp, "sctp"),
];
const DURATION_FLAGS: [&str; 4] = ["interval", "timeout", "start-period", "start-interval"];

pub fn esc_char(e: Escape) -> char {
    match e {
        Escape::Backslash => '\\',
        Escape::Backtick => '`',
    }
}

pub fn stage_name(i: usize) -> String {
    format!("s{i}")
}

fn command(c: &CmdSpec) -> Command {
    match c {
        CmdSpec::Exec(argv) => Command::exec(argv.iter().cloned()),
        CmdSpec::Shell(s) => Command::shell(s),
    }
}

fn mount(m: &MountSpec, prev: Option<&Stage>) -> Mount {
    macro_rules! owned {
        ($o:expr, $x:ident) => {{
            if let Some(v) = $o.mode {
                $x = $x.mode(v);
            }
            if let Some(v) = $o.uid {
                $x = $x.uid(v);
            }
            if let Some(v) = $o.gid {
                $x = $x.gid(v);
            }
            $x.into()
        }};
    }
    match m {
        MountSpec::Bind {
            target,
            source,
            from_prev,
            rw,
        } => {
            let mut b = Mount::bind(target);
            if let Some(s) = source {
                b = b.source(s);
            }
            if let (true, Some(p)) = (from_prev, prev) {
                b = b.from(p);
            }
            if *rw {
                b = b.rw();
            }
            b.into()
        }
        MountSpec::Cache {
            target,
            id,
            sharing,
            source,
            from_prev,
            ro,
            owner,
        } => {
            let mut c = Mount::cache(target);
            if let Some(i) = id {
                c = c.id(i);
            }
            if let Some(s) = sharing {
                c = c.sharing(SHARINGS[usize::from(*s) % 3]);
            }
            if let Some(s) = source {
                c = c.source(s);
            }
            if let (true, Some(p)) = (from_prev, prev) {
                c = c.from(p);
            }
            if *ro {
                c = c.ro();
            }
            owned!(owner, c)
        }
        MountSpec::Tmpfs { target, size } => {
            let mut t = Mount::tmpfs(target);
            if let Some(s) = size {
                t = t.size(*s);
            }
            t.into()
        }
        MountSpec::Secret {
            id,
            target,
            env,
            required,
            owner,
        } => {
            let mut s = Mount::secret(id);
            if let Some(t) = target {
                s = s.target(t);
            }
            if let Some(e) = env {
                s = s.env(e);
            }
            if *required {
                s = s.required();
            }
            owned!(owner, s)
        }
        MountSpec::Ssh {
            id,
            target,
            required,
            owner,
        } => {
            let mut s = Mount::ssh();
            if let Some(i) = id {
                s = s.id(i);
            }
            if let Some(t) = target {
                s = s.target(t);
            }
            if *required {
                s = s.required();
            }
            owned!(owner, s)
        }
    }
}

fn source(f: &FromSpec, prev: Option<&Stage>) -> Option<Source> {
    match f {
        FromSpec::Prev => prev.map(|p| Source::Stage(p.clone())),
        FromSpec::Image(i) => Some(Source::image(i.as_str())),
        FromSpec::Context(c) => Some(Source::Context(Context::new(c.clone()))),
    }
}

fn files(f: &FilesSpec, prev: Option<&Stage>) -> Instruction {
    macro_rules! common {
        ($x:ident) => {{
            if let Some(c) = &f.chown {
                $x = $x.chown(c);
            }
            match &f.chmod {
                Some(ChmodSpec::Octal(m)) => $x = $x.chmod(*m),
                Some(ChmodSpec::Symbolic(s)) => $x = $x.chmod(Chmod::symbolic(s)),
                None => {}
            }
            if f.link {
                $x = $x.link();
            }
            for e in &f.exclude {
                $x = $x.exclude(e);
            }
        }};
    }
    if f.add {
        let mut a = match &f.sources {
            FileSources::Paths(p) => Add::many(p.iter().cloned(), &f.dest),
            FileSources::Inline(c) => Add::inline(c, &f.dest),
        };
        common!(a);
        if let Some(c) = &f.checksum {
            a = a.checksum(c);
        }
        if let Some(k) = f.keep_git_dir {
            a = a.keep_git_dir(k);
        }
        if let Some(u) = f.unpack {
            a = a.unpack(u);
        }
        a.into()
    } else {
        let mut c = match &f.sources {
            FileSources::Paths(p) => Copy::many(p.iter().cloned(), &f.dest),
            FileSources::Inline(s) => Copy::inline(s, &f.dest),
        };
        common!(c);
        if let Some(s) = f.from.as_ref().and_then(|s| source(s, prev)) {
            c = c.from(s);
        }
        if f.parents {
            c = c.parents();
        }
        c.into()
    }
}

/// The model of one instruction; `prev` is the stage before (for `--from` and mounts).
pub fn instruction(i: &InstSpec, prev: Option<&Stage>) -> Instruction {
    match i {
        InstSpec::Run {
            cmd,
            mounts,
            network,
            security,
        } => {
            let mut r = match cmd {
                RunCmd::Shell(s) => Run::new(s),
                RunCmd::Chain(c) => Run::chain(c.iter().cloned()),
                RunCmd::Exec(a) => Run::exec(a.iter().cloned()),
            };
            for m in mounts {
                r = r.mount(mount(m, prev));
            }
            if let Some(n) = network {
                r = r.network(NETWORKS[usize::from(*n) % 3]);
            }
            if let Some(s) = security {
                r = r.security(SECURITIES[usize::from(*s) % 2]);
            }
            r.into()
        }
        InstSpec::Cmd(c) => Instruction::Cmd(command(c)),
        InstSpec::Entrypoint(c) => Instruction::Entrypoint(command(c)),
        InstSpec::Shell(a) => Instruction::Shell(a.iter().map(|s| Text::copy(s)).collect()),
        InstSpec::Env(p) => Instruction::Env(
            p.iter()
                .map(|(k, v)| (Text::copy(k), Text::copy(v)))
                .collect(),
        ),
        InstSpec::Label(p) => Instruction::Label(
            p.iter()
                .map(|(k, v)| (Text::copy(k), Text::copy(v)))
                .collect(),
        ),
        InstSpec::Maintainer(m) => Instruction::Maintainer(m.clone().into()),
        InstSpec::Arg(n, d) => {
            let mut a = Arg::new(n);
            if let Some(d) = d {
                a = a.default(d);
            }
            a.into()
        }
        InstSpec::Expose(ports) => Instruction::Expose(
            ports
                .iter()
                .map(|&(s, e, p)| Port::range(s, e).protocol(PROTOCOLS[usize::from(p) % 3].0))
                .collect(),
        ),
        InstSpec::Files(f) => files(f, prev),
        InstSpec::Volume(v) => Instruction::Volume(v.iter().map(|s| Text::copy(s)).collect()),
        InstSpec::User(u) => Instruction::User(u.clone().into()),
        InstSpec::Workdir(w) => Instruction::Workdir(w.clone().into()),
        InstSpec::OnBuild(inner) => Instruction::OnBuild(Box::new(instruction(inner, prev))),
        InstSpec::StopSignal(s) => Instruction::StopSignal(s.as_str().into()),
        InstSpec::Healthcheck(None) => Instruction::Healthcheck(Healthcheck::None),
        InstSpec::Healthcheck(Some(h)) => {
            let mut c = Healthcheck::cmd(command(&h.cmd));
            let [i, t, sp, si] = h.durations;
            if let Some(d) = i {
                c = c.interval(d);
            }
            if let Some(d) = t {
                c = c.timeout(d);
            }
            if let Some(d) = sp {
                c = c.start_period(d);
            }
            if let Some(d) = si {
                c = c.start_interval(d);
            }
            if let Some(n) = h.retries {
                c = c.retries(n);
            }
            c.into()
        }
        InstSpec::Comment(c) => Instruction::Comment(c.clone().into()),
    }
}

fn base(b: &BaseSpec, prev: Option<&Stage>) -> dockerdsl::Base {
    match (b, prev) {
        (BaseSpec::Image(i), _) => dockerdsl::Base::Image(i.as_str().into()),
        (BaseSpec::Scratch, _) => dockerdsl::Base::Scratch,
        (BaseSpec::Context(c), _) => dockerdsl::Base::Context(Context::new(c.clone())),
        (BaseSpec::Prev, Some(p)) => p.into(),
        (BaseSpec::Prev, None) => dockerdsl::Base::Image("alpine:3.20".into()),
    }
}

/// What the model builder made of a spec.
pub struct Built {
    /// The spec, less the instructions `Dockerfile::new` refuses on their own.
    pub spec: Spec,
    /// How many instructions were refused on their own (and dropped).
    pub refused_instructions: usize,
    /// The Dockerfile, or `None` when the whole model is refused.
    pub dockerfile: Option<Dockerfile>,
}

fn accepted(stage: Stage, escape: Escape, args: &[Arg]) -> bool {
    let mut b = Dockerfile::builder().escape(escape);
    for a in args {
        b = b.arg(a.clone());
    }
    b.target(&stage).build().is_ok()
}

/// Builds the model. An instruction that `Dockerfile::new` refuses on its own (in an
/// otherwise plain stage) is dropped and counted, so that one refused field does not hide
/// the rest of the model from the parsers.
pub fn build(spec: &Spec) -> Built {
    let mut kept = Spec {
        escape: spec.escape,
        args: Vec::new(),
        stages: Vec::new(),
    };
    let mut refused = 0;
    let mut globals = Vec::new();
    for (n, d) in &spec.args {
        let mut a = Arg::new(n);
        if let Some(d) = d {
            a = a.default(d);
        }
        if accepted(Stage::from_scratch("t"), spec.escape, &[a.clone()]) {
            globals.push(a);
            kept.args.push((n.clone(), d.clone()));
        } else {
            refused += 1;
        }
    }
    let mut prev: Option<Stage> = None;
    for (i, s) in spec.stages.iter().enumerate() {
        let mut stage = Stage::new(stage_name(i), base(&s.base, prev.as_ref()));
        if let Some(p) = &s.platform {
            stage = stage.on_platform(p.as_str());
        }
        let mut insts = Vec::new();
        // A stage whose base is not the previous stage still depends on it, so that every
        // stage is reachable from the last one and rendered, in order.
        if let (Some(p), false) = (&prev, matches!(s.base, BaseSpec::Prev)) {
            let link = InstSpec::Files(Box::new(FilesSpec {
                add: false,
                sources: FileSources::Paths(vec!["/out".into()]),
                dest: "/in".into(),
                from: Some(FromSpec::Prev),
                chown: None,
                chmod: None,
                link: false,
                exclude: Vec::new(),
                parents: false,
                checksum: None,
                keep_git_dir: None,
                unpack: None,
            }));
            stage = stage.push(instruction(&link, Some(p)));
            insts.push(link);
        }
        for inst in &s.insts {
            let model = instruction(inst, prev.as_ref());
            let alone = Stage::from_image("t", "alpine:3.20").push(model.clone());
            if accepted(alone, spec.escape, &[]) {
                stage = stage.push(model);
                insts.push(inst.clone());
            } else {
                refused += 1;
            }
        }
        kept.stages.push(StageSpec {
            base: s.base.clone(),
            platform: s.platform.clone(),
            insts,
        });
        prev = Some(stage);
    }
    let dockerfile = prev.and_then(|last| {
        let mut b = Dockerfile::builder().escape(spec.escape);
        for a in globals {
            b = b.arg(a);
        }
        b.target(&last).build().ok()
    });
    Built {
        spec: kept,
        refused_instructions: refused,
        dockerfile,
    }
}

/// One instruction as a parser reads it, after BuildKit's lexer where BuildKit applies it
/// (quotes and escapes removed; `$` kept, since substitution is not modelled), so that it
/// compares with the values the user gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Read {
    /// `RUN`; `ONBUILD RUN` for a trigger.
    pub keyword: String,
    /// Flag name and value, sorted (the flag order is the renderer's, pinned by snapshots).
    /// `--mount` values are their CSV fields, sorted; durations in nanoseconds.
    pub flags: Vec<(String, Option<String>)>,
    /// Exec (JSON) form.
    pub json: bool,
    /// The arguments; a heredoc marker word reads as [`MARKER`].
    pub args: Vec<String>,
    /// Heredoc bodies, in order.
    pub heredocs: Vec<String>,
}

/// How a heredoc marker (`<<EOF`, `<<"EOF1"`) reads: the delimiter is the renderer's choice.
pub const MARKER: &str = "<<heredoc>";

/// A `RUN` chain as BuildKit joins it: the ` \` + newline + indent + `&& ` continuation
/// with the escape character and the newline removed.
pub const CHAIN_JOIN: &str = "     && ";

fn flag(name: &str, value: impl Into<String>) -> (String, Option<String>) {
    (name.to_owned(), Some(value.into()))
}

fn bool_flag(name: &str) -> (String, Option<String>) {
    (name.to_owned(), None)
}

fn body(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_owned()
    } else {
        format!("{s}\n")
    }
}

/// The sorted `key=value` fields of a mount.
pub fn mount_fields(fields: Vec<String>) -> String {
    let mut fields = fields;
    fields.sort();
    fields.join(",")
}

fn owner_fields(o: &Owner, out: &mut Vec<String>) {
    if let Some(m) = o.mode {
        out.push(format!("mode={}", u64::from(m)));
    }
    if let Some(u) = o.uid {
        out.push(format!("uid={u}"));
    }
    if let Some(g) = o.gid {
        out.push(format!("gid={g}"));
    }
}

fn mount_want(m: &MountSpec, prev: Option<&str>) -> String {
    let mut f = Vec::new();
    let from = |f: &mut Vec<String>, from_prev: bool| {
        if let (true, Some(p)) = (from_prev, prev) {
            f.push(format!("from={p}"));
        }
    };
    match m {
        MountSpec::Bind {
            target,
            source,
            from_prev,
            rw,
        } => {
            f.push("type=bind".into());
            // An empty bind target is left out: BuildKit mounts at the working directory.
            if !target.is_empty() {
                f.push(format!("target={target}"));
            }
            if let Some(s) = source {
                f.push(format!("source={s}"));
            }
            from(&mut f, *from_prev);
            if *rw {
                f.push("rw".into());
            }
        }
        MountSpec::Cache {
            target,
            id,
            sharing,
            source,
            from_prev,
            ro,
            owner,
        } => {
            f.push("type=cache".into());
            f.push(format!("target={target}"));
            if let Some(i) = id {
                f.push(format!("id={i}"));
            }
            if let Some(s) = sharing {
                f.push(format!(
                    "sharing={}",
                    ["shared", "private", "locked"][usize::from(*s) % 3]
                ));
            }
            if let Some(s) = source {
                f.push(format!("source={s}"));
            }
            from(&mut f, *from_prev);
            if *ro {
                f.push("ro".into());
            }
            owner_fields(owner, &mut f);
        }
        MountSpec::Tmpfs { target, size } => {
            f.push("type=tmpfs".into());
            f.push(format!("target={target}"));
            if let Some(s) = size {
                f.push(format!("size={s}"));
            }
        }
        MountSpec::Secret {
            id,
            target,
            env,
            required,
            owner,
        } => {
            f.push("type=secret".into());
            f.push(format!("id={id}"));
            if let Some(t) = target {
                f.push(format!("target={t}"));
            }
            if let Some(e) = env {
                f.push(format!("env={e}"));
            }
            if *required {
                f.push("required=true".into());
            }
            owner_fields(owner, &mut f);
        }
        MountSpec::Ssh {
            id,
            target,
            required,
            owner,
        } => {
            f.push("type=ssh".into());
            if let Some(i) = id {
                f.push(format!("id={i}"));
            }
            if let Some(t) = target {
                f.push(format!("target={t}"));
            }
            if *required {
                f.push("required=true".into());
            }
            owner_fields(owner, &mut f);
        }
    }
    mount_fields(f)
}

fn cmd_args(c: &CmdSpec) -> (bool, Vec<String>) {
    match c {
        CmdSpec::Exec(a) => (true, a.clone()),
        // `Command::shell` trims, as `Run::new` does.
        CmdSpec::Shell(s) => (false, vec![s.trim().to_owned()]),
    }
}

fn from_name(f: &FromSpec, prev: Option<&str>) -> Option<String> {
    match f {
        FromSpec::Prev => prev.map(str::to_owned),
        FromSpec::Image(i) | FromSpec::Context(i) => Some(i.clone()),
    }
}

/// What a parser must read for one instruction of the spec.
pub fn want(i: &InstSpec, prev: Option<&str>) -> Option<Read> {
    let mut r = Read::default();
    let kv = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .flat_map(|(k, v)| [k.clone(), v.clone()])
            .collect::<Vec<_>>()
    };
    match i {
        InstSpec::Comment(_) => return None,
        InstSpec::Run {
            cmd,
            mounts,
            network,
            security,
        } => {
            r.keyword = "RUN".into();
            for m in mounts {
                r.flags.push(flag("mount", mount_want(m, prev)));
            }
            if let Some(n) = network {
                r.flags.push(flag(
                    "network",
                    ["default", "none", "host"][usize::from(*n) % 3],
                ));
            }
            if let Some(s) = security {
                r.flags.push(flag(
                    "security",
                    ["sandbox", "insecure"][usize::from(*s) % 2],
                ));
            }
            match cmd {
                RunCmd::Shell(s) if s.contains('\n') => {
                    r.args = vec![MARKER.into()];
                    r.heredocs = vec![body(s)];
                }
                // One-line commands are trimmed by the model (`Run::new`, `Run::chain`):
                // leading and trailing whitespace means nothing to BuildKit.
                RunCmd::Shell(s) => r.args = vec![s.trim().to_owned()],
                RunCmd::Chain(c) => {
                    let c: Vec<&str> = c.iter().map(|c| c.trim()).collect();
                    r.args = vec![c.join(CHAIN_JOIN)];
                }
                RunCmd::Exec(a) => {
                    r.json = true;
                    r.args = a.clone();
                }
            }
        }
        InstSpec::Cmd(c) => {
            r.keyword = "CMD".into();
            (r.json, r.args) = cmd_args(c);
        }
        InstSpec::Entrypoint(c) => {
            r.keyword = "ENTRYPOINT".into();
            (r.json, r.args) = cmd_args(c);
        }
        InstSpec::Shell(a) => {
            r.keyword = "SHELL".into();
            r.json = true;
            r.args = a.clone();
        }
        InstSpec::Env(p) => {
            r.keyword = "ENV".into();
            r.args = kv(p);
        }
        InstSpec::Label(p) => {
            r.keyword = "LABEL".into();
            r.args = kv(p);
        }
        InstSpec::Maintainer(m) => {
            r.keyword = "LABEL".into();
            r.args = vec!["org.opencontainers.image.authors".into(), m.clone()];
        }
        InstSpec::Arg(n, d) => {
            r.keyword = "ARG".into();
            r.args = vec![n.clone()];
            if let Some(d) = d {
                r.args.push(format!("={d}"));
            }
        }
        InstSpec::Expose(ports) => {
            r.keyword = "EXPOSE".into();
            r.args = ports
                .iter()
                .map(|&(s, e, p)| format!("{s}-{e}/{}", PROTOCOLS[usize::from(p) % 3].1))
                .collect();
        }
        InstSpec::Files(f) => {
            r.keyword = if f.add { "ADD" } else { "COPY" }.into();
            if let Some(c) = &f.chown {
                r.flags.push(flag("chown", c.clone()));
            }
            match &f.chmod {
                Some(ChmodSpec::Octal(m)) => r.flags.push(flag("chmod", format!("{m}"))),
                Some(ChmodSpec::Symbolic(s)) => r.flags.push(flag("chmod", s.clone())),
                None => {}
            }
            if f.link {
                r.flags.push(bool_flag("link"));
            }
            for e in &f.exclude {
                r.flags.push(flag("exclude", e.clone()));
            }
            if f.add {
                if let Some(c) = &f.checksum {
                    r.flags.push(flag("checksum", c.clone()));
                }
                if let Some(k) = f.keep_git_dir {
                    r.flags.push(flag("keep-git-dir", k.to_string()));
                }
                if let Some(u) = f.unpack {
                    r.flags.push(flag("unpack", u.to_string()));
                }
            } else {
                if let Some(from) = f.from.as_ref().and_then(|s| from_name(s, prev)) {
                    r.flags.push(flag("from", from));
                }
                if f.parents {
                    r.flags.push(bool_flag("parents"));
                }
            }
            match &f.sources {
                FileSources::Paths(p) => {
                    r.args = p.clone();
                    r.args.push(f.dest.clone());
                }
                FileSources::Inline(c) => {
                    r.args = vec![MARKER.into(), f.dest.clone()];
                    r.heredocs = vec![body(c)];
                }
            }
        }
        InstSpec::Volume(v) => {
            r.keyword = "VOLUME".into();
            r.args = v.clone();
        }
        InstSpec::User(u) => {
            r.keyword = "USER".into();
            r.args = vec![u.clone()];
        }
        InstSpec::Workdir(w) => {
            r.keyword = "WORKDIR".into();
            r.args = vec![w.clone()];
        }
        InstSpec::StopSignal(s) => {
            r.keyword = "STOPSIGNAL".into();
            r.args = vec![s.clone()];
        }
        InstSpec::Healthcheck(None) => {
            r.keyword = "HEALTHCHECK".into();
            r.args = vec!["NONE".into()];
        }
        InstSpec::Healthcheck(Some(h)) => {
            r.keyword = "HEALTHCHECK".into();
            for (d, name) in h.durations.iter().zip(DURATION_FLAGS) {
                if let Some(d) = d {
                    r.flags.push(flag(name, d.as_nanos().to_string()));
                }
            }
            if let Some(n) = h.retries {
                r.flags.push(flag("retries", n.to_string()));
            }
            let (json, args) = cmd_args(&h.cmd);
            r.json = json;
            r.args = std::iter::once("CMD".to_owned()).chain(args).collect();
        }
        InstSpec::OnBuild(inner) => {
            let mut r = want(inner, prev)?;
            r.keyword = format!("ONBUILD {}", r.keyword);
            return Some(r);
        }
    }
    r.flags.sort();
    Some(r)
}

/// Every instruction the rendered file must hold, in order: global `ARG`s, then per stage
/// its `FROM` and its instructions (comments are not instructions).
pub fn wants(spec: &Spec) -> Vec<Read> {
    let mut out = Vec::new();
    for (n, d) in &spec.args {
        out.extend(want(&InstSpec::Arg(n.clone(), d.clone()), None));
    }
    for (i, s) in spec.stages.iter().enumerate() {
        let prev = i.checked_sub(1).map(stage_name);
        let base = match (&s.base, &prev) {
            (BaseSpec::Image(img), _) => img.clone(),
            (BaseSpec::Scratch, _) => "scratch".into(),
            (BaseSpec::Context(c), _) => c.clone(),
            (BaseSpec::Prev, Some(p)) => p.clone(),
            (BaseSpec::Prev, None) => "alpine:3.20".into(),
        };
        out.push(Read {
            keyword: "FROM".into(),
            flags: s
                .platform
                .iter()
                .map(|p| flag("platform", p.clone()))
                .collect(),
            json: false,
            args: vec![base, "AS".into(), stage_name(i)],
            heredocs: Vec::new(),
        });
        for inst in &s.insts {
            out.extend(want(inst, prev.as_deref()));
        }
    }
    out
}

/// Every free-text value of a spec: the strings the parsers have to give back.
pub fn free_text(spec: &Spec, out: &mut Vec<String>) {
    for (n, d) in &spec.args {
        out.push(n.clone());
        out.extend(d.clone());
    }
    for s in &spec.stages {
        for i in &s.insts {
            inst_text(i, out);
        }
    }
}

fn inst_text(i: &InstSpec, out: &mut Vec<String>) {
    let cmd = |c: &CmdSpec, out: &mut Vec<String>| match c {
        CmdSpec::Exec(a) => out.extend(a.iter().cloned()),
        CmdSpec::Shell(s) => out.push(s.clone()),
    };
    match i {
        InstSpec::Run { cmd: c, mounts, .. } => {
            match c {
                RunCmd::Shell(s) => out.push(s.clone()),
                RunCmd::Chain(v) | RunCmd::Exec(v) => out.extend(v.iter().cloned()),
            }
            for m in mounts {
                match m {
                    MountSpec::Bind { target, source, .. } => {
                        out.push(target.clone());
                        out.extend(source.clone());
                    }
                    MountSpec::Cache {
                        target, id, source, ..
                    } => {
                        out.push(target.clone());
                        out.extend(id.clone());
                        out.extend(source.clone());
                    }
                    MountSpec::Tmpfs { target, .. } => out.push(target.clone()),
                    MountSpec::Secret {
                        id, target, env, ..
                    } => {
                        out.push(id.clone());
                        out.extend(target.clone());
                        out.extend(env.clone());
                    }
                    MountSpec::Ssh { id, target, .. } => {
                        out.extend(id.clone());
                        out.extend(target.clone());
                    }
                }
            }
        }
        InstSpec::Cmd(c) | InstSpec::Entrypoint(c) => cmd(c, out),
        InstSpec::Shell(a) | InstSpec::Volume(a) => out.extend(a.iter().cloned()),
        InstSpec::Env(p) | InstSpec::Label(p) => {
            for (k, v) in p {
                out.push(k.clone());
                out.push(v.clone());
            }
        }
        InstSpec::Maintainer(s)
        | InstSpec::User(s)
        | InstSpec::Workdir(s)
        | InstSpec::StopSignal(s)
        | InstSpec::Comment(s) => out.push(s.clone()),
        InstSpec::Arg(n, d) => {
            out.push(n.clone());
            out.extend(d.clone());
        }
        InstSpec::Expose(_) => {}
        InstSpec::Files(f) => {
            match &f.sources {
                FileSources::Paths(p) => out.extend(p.iter().cloned()),
                FileSources::Inline(c) => out.push(c.clone()),
            }
            out.push(f.dest.clone());
            out.extend(f.chown.clone());
            if let Some(ChmodSpec::Symbolic(s)) = &f.chmod {
                out.push(s.clone());
            }
            out.extend(f.exclude.iter().cloned());
            out.extend(f.checksum.clone());
        }
        InstSpec::OnBuild(inner) => inst_text(inner, out),
        InstSpec::Healthcheck(h) => {
            if let Some(h) = h {
                cmd(&h.cmd, out);
            }
        }
    }
}
