//! Dockerfiles as typed Rust values.
//!
//! Declare build stages as values, link them with [`Stage::copy_from`] and
//! [`Stage::from_stage`], and get back one canonical multi-stage Dockerfile. A reference to a
//! stage is a value, so a misspelt, missing or later stage is a compile error, not a failed
//! build in CI:
//!
//! ```compile_fail
//! use dockerdsl::Stage;
//!
//! let app = Stage::from_image("app", "alpine:3.20")
//!     .copy_from(&bulder, "/go/main", "/main"); // error[E0425]: cannot find value `bulder`
//! let builder = Stage::from_image("builder", "golang:1.23");
//! ```
//!
//! ```
//! use dockerdsl::{Dockerfile, Stage};
//!
//! let builder = Stage::from_image("builder", "golang:1.23-alpine")
//!     .workdir("/src")
//!     .copy(".", ".")
//!     .run("CGO_ENABLED=0 go build -o /go/main .");
//! let app = Stage::from_image("app", "alpine:3.20")
//!     .copy_from(&builder, "/go/main", "/main")
//!     .cmd(["/main"]);
//!
//! let dockerfile = Dockerfile::new(&app)?;
//! assert!(dockerfile.to_string().contains("COPY --from=builder /go/main /main\n"));
//! # Ok::<(), dockerdsl::Error>(())
//! ```
//!
//! # The `dockerfile!` macro
//!
//! With the `macros` feature (on by default), [`dockerfile!`] declares stages in a syntax
//! close to a Dockerfile. Stage names become local variables, so references are still
//! resolved by the compiler, and literals are checked at compile time by the same rules the
//! builder runs. Its documentation has the grammar and the common errors.
//!
//! ```
//! use dockerdsl::{dockerfile, Dockerfile};
//!
//! dockerfile! {
//!     builder = FROM "golang:1.23-alpine" {
//!         WORKDIR "/src";
//!         COPY "." ".";
//!         RUN "CGO_ENABLED=0 go build -o /go/main .";
//!     }
//!     app = FROM "alpine:3.20" {
//!         COPY --from=builder "/go/main" "/main";
//!         CMD ["/main"];
//!     }
//! }
//! assert!(Dockerfile::new(&app)?.to_string().contains("COPY --from=builder /go/main /main\n"));
//! # Ok::<(), dockerdsl::Error>(())
//! ```
//!
//! Build scripts that only use the builder can turn the feature off
//! (`default-features = false`) and skip compiling the macro and its parser.
//!
//! # The model
//!
//! A [`Stage`] holds a name, a [`Base`] and [`Instruction`]s in the order they were added;
//! every instruction and flag of the stable Dockerfile syntax is a typed value ([`Run`],
//! [`Copy`](struct@Copy), [`Add`], [`Mount`], [`Healthcheck`], [`Port`], [`Chmod`], [`Signal`],
//! [`ImageRef`], ...). Free text (a shell command, a path, a value) is one typed field, a
//! [`Text`]: a string literal is borrowed (no allocation, nothing to free) and a `String` is
//! kept, so building a model copies no text. Builder methods take `impl Into<Text>` (a
//! literal, a `String`, a `&String`); a borrowed `&str` that is not `'static` goes in as
//! `s.to_owned()`. The variants that hold several values (`ENV` pairs, `EXPOSE` ports, exec
//! arguments, `COPY` sources) hold a [`List`] ([`Texts`], [`Pairs`], [`Ports`], [`Paths`]):
//! it reads as a slice and keeps a short list inline, without a heap block of its own. Built
//! by hand, such a variant takes a `Vec` or an array with `.into()`
//! (`Instruction::Volume(vec!["/data".into()].into())`).
//!
//! A [`Dockerfile`] is made from one or more target stages. It holds exactly the stages they
//! reach, each once, dependencies first (depth-first from the targets, following each stage's
//! references in order, its base first), and the last target last. Making it checks the whole
//! graph and returns every problem at once, each with its stage, instruction and field
//! ([`Error`]). A `Dockerfile` is always valid: rendering it (`Display`) cannot fail.
//!
//! # Reusing stages across targets
//!
//! A stage is a value, so a library of stages is a set of functions. A `fn base() -> Stage`
//! called once per service gives several values; a [`Dockerfile`] of several targets keeps
//! one stage per name, by this rule:
//!
//! - two stages with the same name and the same content (they render the same text, and the
//!   stages they refer to are equal in turn) are **one stage**, written once, where it is
//!   first needed;
//! - two stages with the same name and different content are an error that shows the first
//!   line where they differ and which stage refers to each; give one another name with
//!   [`Stage::rename`].
//!
//! ```
//! use dockerdsl::{Dockerfile, OciLabels, Stage};
//!
//! fn base() -> Stage {
//!     Stage::from_image("base", "alpine:3.20").run("apk add --no-cache ca-certificates")
//! }
//!
//! fn build() -> Stage {
//!     Stage::from_image("build", "golang:1.23-alpine")
//!         .workdir("/src")
//!         .copy_many(["go.mod", "go.sum"], "./")
//!         .run("go mod download")
//!         .copy(".", ".")
//!         .run("CGO_ENABLED=0 go build -o /out/ ./cmd/...")
//! }
//!
//! fn service(name: &'static str, port: u16) -> Stage {
//!     Stage::from_stage(name, &base())
//!         .labels(OciLabels::new().title(name))
//!         .copy_from(&build(), format!("/out/{name}"), "/usr/local/bin/")
//!         .expose(port)
//!         .user(10001)
//!         .entrypoint([format!("/usr/local/bin/{name}")])
//! }
//!
//! let (api, worker) = (service("api", 8080), service("worker", 9090));
//! let df = Dockerfile::builder().target(&api).target(&worker).build()?;
//! let names: Vec<&str> = df.stages().iter().map(|s| s.name()).collect();
//! assert_eq!(names, ["base", "build", "api", "worker"]);
//!
//! // One service's builder edited on its own is a different stage with the same name.
//! let edited = Stage::from_stage("worker", &base())
//!     .copy_from(&build().run("go vet ./..."), "/out/worker", "/usr/local/bin/");
//! let err = Dockerfile::builder().target(&api).target(&edited).build().unwrap_err();
//! assert!(err.to_string().contains(
//!     "two different stages are named `build`: the one stage `api` refers to has nothing \
//!      more where the one stage `worker` refers to has `RUN go vet ./...`"
//! ));
//! # Ok::<(), dockerdsl::Error>(())
//! ```
//!
//! # Canonical form
//!
//! The same model gives the same bytes, every run and on every machine:
//!
//! 1. `# syntax=docker/dockerfile:1` ([`Syntax`]: pinned to `1.N`, or omitted), then
//!    `# escape=` and `# check=` when set, then a blank line.
//! 2. Global `ARG`s in declaration order, then a blank line.
//! 3. Stages in graph order, separated by one blank line: `FROM [--platform=P] BASE AS name`.
//!    Keywords are upper-case.
//! 4. Instructions in the order given, never reordered. Flags in one order per instruction:
//!    `RUN --mount... --network --security`; `COPY --from --chown --chmod --link --parents
//!    --exclude...`; `ADD --chown --chmod --link --checksum --keep-git-dir --unpack
//!    --exclude...`; `HEALTHCHECK --interval --timeout --start-period --start-interval
//!    --retries`. Mount options: `type`, then `target` (or a secret's `id`), then the rest.
//!    With two or more flags, `RUN` and `HEALTHCHECK` put each flag, then the command, on a
//!    continuation line of their own.
//! 5. `CMD`, `ENTRYPOINT`, `SHELL` and `HEALTHCHECK CMD` in JSON (exec) form, strings escaped
//!    as JSON; shell form only through [`Command::shell`].
//! 6. `ENV`, `LABEL` and `ARG` as `key=value`, the value double-quoted when it is empty or
//!    has whitespace, quotes or the escape character; `$` is left for BuildKit's variable
//!    substitution. A `LABEL` of several pairs whose line would be longer than 80 characters
//!    has one pair a line (continuation lines indented by 4 spaces). `MAINTAINER` renders as
//!    `LABEL org.opencontainers.image.authors=...`.
//! 7. `COPY`/`ADD` in JSON form when a path has whitespace, quotes, the escape character or
//!    a control character, or starts with `--`, `[` or `<<`; several sources need a
//!    destination ending in `/`. `VOLUME` is always in JSON form.
//! 8. A multi-line `RUN` script renders as a heredoc (`RUN <<EOF`), an inline file as a
//!    heredoc with a quoted delimiter (`COPY <<"EOF" /dest`, so BuildKit substitutes nothing in
//!    it); the delimiter is `EOF`, or `EOF1`, `EOF2`... when a body line equals it. A blank
//!    line follows the terminator when another instruction follows (hadolint cannot read an
//!    instruction straight after one). [`Run::chain`] renders as an `&&` chain, one command
//!    per line, with ` \` continuations and 4-space indentation.
//! 9. No trailing spaces outside heredoc bodies (which are the user's bytes), no empty
//!    continuation lines, no physical line over 65,535 bytes (refused when made), one final
//!    newline.
//! 10. The output passes BuildKit's parser and build checks and hadolint without findings
//!     caused by these choices.
//!
//! # Reading Dockerfiles
//!
//! [`parse`] (and [`parse_file`]) read an existing Dockerfile into the same model, following
//! BuildKit's parser: directives, continuation lines, comments, heredocs, JSON and shell
//! forms, legacy forms, keywords in any case, a BOM and CRLF line ends. Every stage of the
//! file is kept, in file order; stage references by name or index become references to the
//! stage values. A file BuildKit rejects gives [`ParseErrors`] (every problem, each with its
//! line and column), never a model. A file BuildKit builds that the typed model cannot hold
//! (two stages with one name, a stage named `scratch`, `EXPOSE 8443:443`, ...) is refused too,
//! each such construct named on its line ([`Diagnostic::is_model_limit`]); [`check`] and
//! [`format()`] read it all the same ([`parse_faithfully`]). [`Parsed`] also maps each
//! instruction back to its lines, keyword and text.
//!
//! Rendering a parsed file gives its canonical form (`dockerdsl fmt`). It means the same to
//! BuildKit's parser; what it changes on purpose:
//!
//! - keywords upper-case, `AS` upper-case, stage names lower-case (BuildKit lower-cases them);
//!   a stage without a name is named `stage-N` (N its index), and references by index
//!   (`--from=0`) are written by name (BuildKit's `--call=targets` then lists the stage, and
//!   its experimental `InvalidDefinitionDescription` reads a comment right above it as its
//!   description);
//! - `ENV`/`LABEL key value` (legacy) as `key=value`; `MAINTAINER x` as
//!   `LABEL org.opencontainers.image.authors=x`; `ARG A B` as one `ARG` per name (`fmt`
//!   keeps the line whole when comments come right before it, see below);
//! - words re-quoted the canonical way (double quotes only where needed); JSON arrays with
//!   `", "` separators; `VOLUME` always in JSON form; `COPY`/`ADD` in JSON form only when a
//!   path needs it;
//! - flags in the canonical order, `--flag=true` as `--flag`, `--link=false`/`--parents=false`
//!   left out, octal modes without a leading zero, durations as `90s`/`2m`/`1h`, mount
//!   options spelled `target`/`source`/`ro`/`rw` with `type=` first, `required=true`, a
//!   secret's default id written out, tmpfs sizes in bytes; `EXPOSE 80/tcp` as `80`, protocols
//!   lower-case;
//! - `RUN` shell commands keep the lines they were written on (with the comment lines among
//!   them); `CMD`/`ENTRYPOINT` shell forms are joined into one line (they stay shell form);
//!   a shell command that ends with the escape character (a file holds one only when a
//!   space BuildKit trims but does not count before a line end, such as a vertical tab,
//!   follows it) ends with a vertical tab, which keeps its line from continuing;
//! - heredocs: `<<-` bodies with their leading tabs stripped, a quoted delimiter as
//!   `<<"NAME"`, a `RUN` that is only a heredoc with the delimiter `EOF` (or `EOF1`...);
//!   a blank line after every heredoc terminator;
//! - comments: kept, attached to what follows them (a comment before `FROM` stays above
//!   it), `# text` with one space after `#` (indentation after it kept), trailing spaces
//!   removed; blank lines between instructions removed, one blank line between stages;
//!   comment lines inside a `CMD`, `COPY` or other continued instruction (not `RUN`) are
//!   dropped, as BuildKit drops them. An indented comment BuildKit reads with its `#`, so
//!   where at the start of a line it would tell BuildKit more (a `# check=` comment, an
//!   empty one, which ends the comments above it, a description of the `ARG` or stage
//!   after it) the model holds what BuildKit read (`# # check=skip=...`), and `fmt` keeps
//!   it indented by one space. With comments right before it, `fmt` keeps an `ARG A B`
//!   line whole (they are BuildKit's for each name; the model writes a line a name);
//! - a header only when the file had directives: `# syntax=` as written, `# escape=` and
//!   `# check=` normalised. The syntax and the check options are where BuildKit's frontend
//!   finds them: at the start of the first lines (after a `#!` line too). An indented
//!   `# syntax=` or `# check=` line, which BuildKit's parser takes as a directive and its
//!   frontend does not read, sets nothing: `fmt` keeps it (and any such line after it)
//!   indented after the header, where it still sets nothing.
//!
//! What BuildKit accepts but the model cannot hold is refused with an error saying so: two
//! stages with one name, stages named `scratch` or `context`, a mount type given by a
//! variable, a `$` that is not a substitution (`'$x'`, `\$x`) in a value the model keeps,
//! `RUN --device` (labs), `COPY`/`ADD` mixing heredocs and paths, a shell command that
//! starts with a JSON array (`RUN ["ls"] && make`, which frontends before 1.10 ran as
//! `ls`), follows the `--` that ends the flags, is a comment or ends with the escape
//! character, and an `ONBUILD` trigger BuildKit refuses only where it runs (`ONBUILD COPY
//! a`; [`check`] reports its errors in each stage built on that one).
//!
//! # Recipes and older builders
//!
//! [`recipes`] holds ready-made multi-stage builds (Go, a static site, C, Rust), each a
//! function of its options returning the final stage. [`Dockerfile::render_compat`] writes
//! a Dockerfile for builders without heredocs or `COPY --link` (such as buildah 1.28), or
//! says which instruction stops it.
//!
//! # What is refused
//!
//! User text ends up in a line-oriented language. Whatever the input, the renderer never
//! lets a value end an instruction early (newlines and carriage returns outside heredocs and
//! JSON strings), join the next line (a trailing escape character), pass for a flag (a
//! leading `--`), split into several words (whitespace: quoted or JSON form instead), close
//! a heredoc early (the delimiter is chosen to avoid body lines), start a comment, or carry a
//! NUL byte. Each is encoded so that BuildKit reads back exactly the value given, or refused
//! with an error when the `Dockerfile` is made.
//!
//! # Lints
//!
//! [`Dockerfile::lint`] reports BuildKit's build checks (`docker build --check`), named and
//! worded as BuildKit does, and hadolint's rules about a file's structure (DL3006, DL3007,
//! DL3002, DL3045). Many of BuildKit's checks cannot fire on a builder-made Dockerfile (the
//! renderer writes `FROM ... AS`, `key=value`, upper-case keywords; names are checked);
//! the [`lint`] module lists what each rule does here. [`Parsed::lint`] lints a file read by
//! [`parse`], with lines and the checks about how it is written. [`Linter`] adds a
//! `.dockerignore` to check `COPY` sources against.
//!
//! # Build scripts
//!
//! [`emit`] writes a generated file from `build.rs` only when its bytes change, atomically,
//! and prints the `cargo:rerun-if-changed` lines that fit; under `CI=true` (or
//! `DOCKERDSL_CHECK=1`) it never writes and fails with a unified diff when the checked-in
//! file is stale. [`Dockerfile::dockerignore`] gives the `.dockerignore` that keeps only what
//! the Dockerfile takes from the build context. `examples/build-script` in the repository is
//! a crate that does both.
//!
//! # Build plans
//!
//! [`bake`] writes `docker buildx bake` files (JSON, or HCL with the `hcl` feature) whose
//! targets are stage values, with their args, secrets and named contexts checked against
//! the stages; [`Stage::declare_platform_args`] and [`recipes::GoStatic::cross_compile`]
//! are the multi-platform side.
//!
//! # JSON
//!
//! With the `serde` feature (on by default), a [`Dockerfile`] serializes with stage
//! references as names and deserializes with the same checks as [`Dockerfile::builder`],
//! plus unknown, later, self and cyclic references, each naming the stages; every problem is
//! reported at once. [`Dockerfile::from_json`] reads JSON text and gives each reference
//! problem its line and column, as serde_json gives its own errors. The
//! `schemars` feature derives a JSON Schema (`schemars::schema_for!(dockerdsl::Dockerfile)`),
//! checked in as `dockerdsl/dockerfile.schema.json`.
//!
//! # Errors
//!
//! Every error and finding answers the same questions with the same names: `message()` (what
//! is wrong, lower case), `help()` (how to fix it, when there is a known fix) and where it is
//! (`location()` for the model, `line()`/`column()` as `Option` for text):
//!
//! | type | from | where |
//! | --- | --- | --- |
//! | [`Error`] of [`Problem`]s | making a [`Dockerfile`] | [`Location`]: stage, instruction, field |
//! | [`InvalidValue`] | an eager `parse` of one value ([`ImageRef::parse`], [`Signal::parse`]) | the value itself |
//! | [`ParseErrors`] of [`Diagnostic`]s | reading text ([`parse`]) | line and column |
//! | [`Lint`] | [`Linter`], [`Dockerfile::lint`] | `location()`, and line/column when read from text |
//! | [`EmitError`] | [`emit`] | the file, and the diff in check mode |
//!
//! # Layout of the crate
//!
//! The crate reads bottom-up: `model/` holds the plain data types (values, sources, mounts,
//! instructions, stages, `Dockerfile`) and calls no phase; `rules` holds every validation rule
//! and the shared vocabulary (suggestions, mount words, BuildKit's automatic args), compiled
//! into the macro crate too; the phases (`validate`, `render`, `parse`, `lint`) read the
//! model; `assemble` orders and validates the stages a `Dockerfile` is made of; the outputs
//! (`emit`, serde, [`import`], [`graph`], `.dockerignore`) sit on top.
//!
//! # Features
//!
//! - `macros` (default): the [`dockerfile!`] macro.
//! - `serde` (default): `Serialize`/`Deserialize` for [`Dockerfile`] and the model's types.
//! - `schemars`: `JsonSchema` for the same types.
//! - `hcl`: `bake::Plan::to_hcl`, `docker-bake.hcl` written with hcl-rs.
//! - `cli`: the `dockerdsl` command-line tool: `fmt [--check]` (the canonical form, or a diff),
//!   `check` (parse errors and lints as `FILE:LINE:COL` lines), `import [--macro]` (the Rust
//!   code that builds a file) and `graph [--dot]` (the stages as Mermaid or Graphviz).
//!
//! A build script that only writes a Dockerfile can depend on dockerdsl with
//! `default-features = false`: then it compiles serde_json (for JSON escaping) and similar
//! (for diffs) and nothing else.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod assemble;
pub mod bake;
mod dockerignore;
mod emit;
mod error;
mod expand;
mod format;
pub mod graph;
pub mod import;
pub mod lint;
pub mod lock;
#[cfg(feature = "macros")]
mod macros;
mod model;
mod number;
mod parse;
pub mod recipes;
mod render;
mod rules;
#[cfg(feature = "serde")]
mod serialize;
mod stage_env;
pub mod syntax;
mod validate;

pub use emit::{EmitError, Emitted, Mode, emit, emit_with};
pub use error::{Error, Location, Problem};
pub use format::format;
pub use lint::{Lint, Linter, Origin, Rule, check};
pub use model::dockerfile::{BuildChecks, Dockerfile, DockerfileBuilder, Escape, Syntax};
pub use model::instruction::{
    Add, Arg, Command, Copy, Healthcheck, HealthcheckCmd, Heredoc, Instruction, IntoCommand,
    IntoUser, Run, RunCommand, Sources,
};
pub use model::list::{List, ListIntoIter, Pairs, Paths, Ports, Texts};
pub use model::mount::{BindMount, CacheMount, Mount, SecretMount, Sharing, SshMount, TmpfsMount};
pub use model::source::{IntoSource, Source};
pub use model::stage::{Base, IntoBase, Stage};
pub use model::text::Text;
pub use model::values::{
    Chmod, Context, ImageRef, InvalidValue, Network, Platform, Port, Protocol, Security, Signal,
};
pub use parse::{
    Diagnostic, Directive, ParseErrors, Parsed, Position, SourceInstruction, parse,
    parse_faithfully, parse_file,
};
pub use recipes::OciLabels;

#[cfg(feature = "macros")]
#[doc(hidden)]
pub use macros::__private;

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
