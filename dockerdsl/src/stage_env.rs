//! The variables of a stage as BuildKit has them when it runs an instruction: what `ENV` and
//! `ARG` set in the stage and in the stages it is built on. BuildKit expands a `RUN --mount`'s
//! options with them before it reads the options (`instructions.setMountState` with the
//! dispatcher's expander), so `type=$KIND` is a cache mount in one stage and an error in
//! another; a faithful read (`parse`) checks such an option as BuildKit will. The lints read
//! the same account: BuildKit's checks look at a `WORKDIR`, an `EXPOSE` port or a `COPY`
//! source as expanded. (An `ARG` with a value replaces an `ENV` of the same name before it;
//! one without leaves it, as `docker build --check` shows.)
//!
//! An image is taken to set only `PATH` (BuildKit does not know more without pulling it,
//! and neither does `docker build --check` offline), the automatic platform arguments have
//! their values on linux/amd64, and no build argument is given (as `--check` without
//! `--build-arg`). A value this reader cannot tell (a variable an instruction sets that is not
//! read into the model, a word with quotes the model holds already unquoted) is unknown: an
//! option that uses it is kept as written, unchecked.

use crate::expand::{Pattern, expand_known as expand};
use crate::model::instruction::Arg;
use crate::rules::vocab::AUTOMATIC_ARGS;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// A variable's value, when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Known(String),
    /// Set, to something this reader cannot tell (`${X%y}`).
    Unknown,
}

/// Variables: those set here, over those of the stages this one is built on, which are
/// shared rather than copied (a chain of stages that each set one would otherwise hold the
/// square of their number).
#[derive(Debug, Clone, Default)]
struct Vars {
    own: BTreeMap<String, Value>,
    base: Option<Rc<Vars>>,
}

impl Vars {
    fn get(&self, name: &str) -> Option<&Value> {
        let mut at = self;
        loop {
            if let Some(v) = at.own.get(name) {
                return Some(v);
            }
            at = at.base.as_deref()?;
        }
    }

    fn insert(&mut self, name: String, value: Value) {
        self.own.insert(name, value);
    }
}

/// The variables of a stage at one instruction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    vars: Vars,
    /// An instruction set variables this reader could not follow: nothing is known.
    lost: bool,
    /// The working directory, when the file tells it: `/` in a stage built on `scratch`,
    /// what `WORKDIR` sets; `None` for an image's own (its config says, which BuildKit
    /// reads when it pulls the image; `docker build --check` offline takes `/`).
    workdir: Option<String>,
    /// The global `ARG`s declared (with a default or not): a build argument can set them.
    declared: BTreeSet<String>,
}

impl Env {
    /// A stage built on an image: only `PATH`, with BuildKit's default (the image's may
    /// differ, but no `PATH` is a mount type, sharing mode, number or switch).
    pub(crate) fn image() -> Env {
        let mut env = Env::default();
        env.vars.insert(
            "PATH".into(),
            Value::Known("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()),
        );
        env
    }

    /// A stage built on `scratch`: as on an image, and its working directory is `/`.
    pub(crate) fn scratch() -> Env {
        Env {
            workdir: Some("/".into()),
            ..Env::image()
        }
    }

    /// The variables at the end of a stage, for the stages built on it: what the stage set
    /// becomes a shared layer, so that each of those starts from it without a copy.
    pub(crate) fn frozen(mut self) -> Env {
        if !self.vars.own.is_empty() {
            let vars = std::mem::take(&mut self.vars);
            self.vars.base = Some(Rc::new(vars));
        }
        self
    }

    /// `WORKDIR path`, expanded with the variables, relative to the one before.
    pub(crate) fn workdir(&mut self, path: &str) {
        self.workdir = match self.expand(path) {
            Some(p) if p.starts_with('/') => Some(clean(&p)),
            Some(p) => self.workdir.as_ref().map(|w| clean(&format!("{w}/{p}"))),
            None => None,
        };
    }

    /// A `WORKDIR` this reader could not follow: the working directory is not known.
    pub(crate) fn forget_workdir(&mut self) {
        self.workdir = None;
    }

    /// A path as BuildKit mounts it in this stage: an absolute one as written, a relative
    /// one joined to the working directory and cleaned (`filepath.Join("/", dir, target)`
    /// in `dispatchRunMounts`); `None` when the working directory is not known.
    pub(crate) fn mount_path(&self, target: &str) -> Option<String> {
        if target.starts_with('/') {
            Some(target.to_owned())
        } else {
            let w = self.workdir.as_ref()?;
            Some(clean(&format!("{w}/{target}")))
        }
    }

    /// `word` expanded as BuildKit will expand it here; `None` when that cannot be told
    /// (a variable of unknown value, a form of substitution that depends on more).
    pub(crate) fn expand(&self, word: &str) -> Option<String> {
        let names = crate::rules::variables(word);
        let unknown = names
            .iter()
            .any(|name| self.vars.get(name) == Some(&Value::Unknown));
        if unknown || (self.lost && !names.is_empty()) {
            return None;
        }
        expand(word, &|name| match self.vars.get(name) {
            Some(Value::Known(v)) => Some(v.clone()),
            _ => None,
        })
    }

    fn value_of(&self, word: &str) -> Value {
        self.expand(word).map_or(Value::Unknown, Value::Known)
    }

    /// `ENV k=v ...`: every value expanded with the variables before the instruction.
    pub(crate) fn env(&mut self, pairs: &[(crate::Text, crate::Text)]) {
        let values: Vec<Value> = pairs.iter().map(|(_, v)| self.value_of(v)).collect();
        for ((k, _), v) in pairs.iter().zip(values) {
            self.vars.insert(k.to_string(), v);
        }
    }

    /// `ARG k[=v]` in a stage: its default expanded, else the global argument's value; an
    /// argument without either is not a variable of the stage (BuildKit's `dispatchArg`).
    /// Any argument may be given a value on the command line; as `docker build --check`
    /// without `--build-arg`, none is taken to be.
    pub(crate) fn arg(&mut self, arg: &Arg, globals: &Env) {
        let value = match &arg.default {
            Some(d) => Some(self.value_of(d)),
            None => match AUTOMATIC_ARGS.iter().find(|(n, _)| *n == arg.name) {
                // BuildKit's value for the platform it builds on; `docker build --check`
                // on an amd64 machine (and bklint) has these.
                Some((_, platform_value)) => Some(Value::Known((*platform_value).to_owned())),
                None => globals.vars.get(arg.name.as_str()).cloned(),
            },
        };
        if let Some(v) = value {
            self.vars.insert(arg.name.to_string(), v);
        }
    }

    /// A global `ARG` the model keeps as written, declared by its name as written (BuildKit
    /// keeps a global name's quotes: `ARG "V"` declares `"V"`, not `V`), its value unknown.
    pub(crate) fn global_arg_as_written(&mut self, name: &str) {
        self.declared.insert(name.to_owned());
        self.vars.insert(name.to_owned(), Value::Unknown);
    }

    /// A global `ARG`: its default expanded with the global arguments before it.
    pub(crate) fn global_arg(&mut self, arg: &Arg) {
        self.declared.insert(arg.name.to_string());
        if let Some(d) = &arg.default {
            let v = self.value_of(d);
            self.vars.insert(arg.name.to_string(), v);
        }
    }

    /// Whether the build can give a variable of this `FROM` word another value: a global
    /// `ARG` (`--build-arg`) or an automatic argument (`--platform`, `--target`). What
    /// BuildKit refuses for such a word's value without them, it builds with them.
    pub(crate) fn settable(&self, word: &str, escape: char) -> bool {
        crate::expand::settable(word, escape, &|name| {
            self.lost || self.declared.contains(name)
        })
    }

    /// A `FROM` word as it is whatever the build sets: expanded with the variables no build
    /// sets (one nobody declares is empty, as BuildKit takes it), those it can set (a
    /// global `ARG`, an automatic one) left unknown. `None` when BuildKit cannot expand it.
    pub(crate) fn fixed_pattern(&self, word: &str, escape: char) -> Option<Pattern> {
        self.fixed(word, escape).ok()
    }

    /// BuildKit's message when it cannot expand a `FROM` word whatever the build sets: a
    /// variable nobody declares, taken as empty, with `${NAME?message}`.
    pub(crate) fn fixed_error(&self, word: &str, escape: char) -> Option<String> {
        self.fixed(word, escape).err()
    }

    /// A `FROM` word expanded with the variables no build sets (those nobody declares, empty),
    /// the others kept as variables.
    fn fixed(&self, word: &str, escape: char) -> Result<Pattern, String> {
        let lookup = |name: &str| {
            if self.lost
                || self.declared.contains(name)
                || AUTOMATIC_ARGS.iter().any(|(n, _)| *n == name)
            {
                Some(Pattern::var(name))
            } else {
                None
            }
        };
        crate::expand::expand(word, escape, &lookup)
    }

    /// A word of a `FROM` line (the base, `--platform`) as BuildKit expands it with the
    /// global scope: the automatic arguments (their linux/amd64 values) overridden by the
    /// global `ARG`s' defaults (this `Env` holds those). `Ok(None)` when a value it uses
    /// cannot be told; `Err` with BuildKit's message when BuildKit cannot expand it.
    pub(crate) fn expand_from(&self, word: &str, escape: char) -> Result<Option<String>, String> {
        let lookup = |name: &str| match self.vars.get(name) {
            Some(Value::Known(v)) => Some(Pattern::lit(v)),
            Some(Value::Unknown) => Some(Pattern::var(name)),
            None if self.lost => Some(Pattern::var(name)),
            None => AUTOMATIC_ARGS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| Pattern::lit(v)),
        };
        Ok(crate::expand::expand(word, escape, &lookup)?.known())
    }

    /// An instruction that sets variables was not read into the model.
    pub(crate) fn lose(&mut self) {
        self.lost = true;
    }

    /// A variable set to a value this reader cannot tell (by an instruction kept as
    /// written).
    pub(crate) fn set_unknown(&mut self, name: &str) {
        self.vars.insert(name.to_owned(), Value::Unknown);
    }

    /// A variable as [`crate::expand::expand`] looks it up to show a word as BuildKit
    /// expands it: its value, its name where the value is not known, nothing when unset.
    pub(crate) fn shown(&self, name: &str) -> Option<Pattern> {
        match self.vars.get(name) {
            Some(Value::Known(v)) => Some(Pattern::lit(v)),
            Some(Value::Unknown) => Some(Pattern::var(name)),
            None if self.lost => Some(Pattern::var(name)),
            None => None,
        }
    }
}

/// Go's `path.Clean` of an absolute path: `.` and empty parts dropped, `..` taken back.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_env_and_args_as_buildkit_dispatches_them() {
        let mut globals = Env::default();
        globals.global_arg(&Arg::new("KIND").default("cache"));
        let mut env = Env::image();
        assert_eq!(env.expand("$KIND").as_deref(), Some(""));
        env.arg(&Arg::new("KIND"), &globals);
        assert_eq!(env.expand("$KIND").as_deref(), Some("cache"));
        env.env(&[("A".into(), "x".into()), ("B".into(), "$A-$KIND".into())]);
        // Both values of one ENV are expanded before either is set.
        assert_eq!(env.expand("${B}").as_deref(), Some("-cache"));
        assert_eq!(
            env.expand("${PATH%%:*}").as_deref(),
            Some("/usr/local/sbin")
        );
        env.arg(&Arg::new("TARGETARCH"), &globals);
        assert_eq!(env.expand("$TARGETARCH").as_deref(), Some("amd64"));
        assert_eq!(env.mount_path("."), None);
        env.workdir("/src/$A");
        env.workdir("../b/./c/");
        assert_eq!(env.mount_path("..").as_deref(), Some("/src/b"));
        assert_eq!(env.mount_path("//").as_deref(), Some("//"));
        assert_eq!(Env::scratch().mount_path("./a/..").as_deref(), Some("/"));
        env.lose();
        assert_eq!(env.expand("$A"), None);
        assert_eq!(env.expand("cache").as_deref(), Some("cache"));
    }
}
