//! The `dockerfile!` macro: the front end in `dockerdsl-macros`, reached through
//! `$crate` so that it works with the crate renamed.

/// Declares stages in a syntax close to a Dockerfile; each becomes a [`Stage`](crate::Stage)
/// bound to a local variable, so every stage reference is a Rust identifier that the
/// compiler resolves.
///
/// ```
/// use dockerdsl::{dockerfile, Dockerfile};
///
/// dockerfile! {
///     base = FROM "alpine:3.20" {
///         RUN "apk add --no-cache curl wget";
///     }
///     go_builder = FROM "golang:1.23-alpine" AS "go-builder" {
///         WORKDIR "/go/src/app";
///         COPY "." ".";
///         ENV CGO_ENABLED = "0";
///         RUN "go build -o /go/main .";
///     }
///     app = FROM base AS "final" {
///         COPY --from=go_builder "/go/main" "/main";
///         CMD ["/main"];
///     }
/// }
/// // `base`, `go_builder` and `app` are `Stage` values from here on.
/// let text = Dockerfile::new(&app)?.to_string();
/// assert!(text.contains("FROM base AS final\nCOPY --from=go-builder /go/main /main\n"));
/// # Ok::<(), dockerdsl::Error>(())
/// ```
///
/// The macro expands to builder calls (`Stage::from_image(..).push(..)`) and nothing else:
/// a stage made by the macro is the same value as one made with the builder, and renders to
/// the same bytes.
///
/// # Grammar
///
/// The macro is used where statements go (a function body). It declares one or more stages,
/// each a `let` binding named by its identifier:
///
/// ```text
/// STAGE    := IDENT "=" "FROM" ["--platform" "=" VALUE] BASE ["AS" STRING] "{" BODY "}"
/// BODY     := (INSTR ";")*                the last ";" may be left out
/// BASE     := STRING                      an image reference: "alpine:3.20"
///           | "scratch"                   the empty image
///           | IDENT                       a stage: declared above in this call, or any
///                                         `Stage` variable in scope
///           | "{" EXPR "}"                anything `IntoBase`: `{&stage}`, `{image}` (a `String`),
///                                         `{Context::new("name")}`
/// VALUE    := STRING | "{" EXPR "}"       a literal is checked at compile time; an
///                                         expression (anything `Into<String>`, or the type
///                                         the builder method takes) when the Dockerfile is made
/// STRING   := a string literal: "..." or r"..." / r#"..."#
/// ```
///
/// The stage's name is the string after `AS`, or else the identifier as written (`base`
/// is named `base`; `r#final` is named `final`). Rust identifiers cannot contain `-`, so a
/// name such as `go-builder` is given with `AS "go-builder"`.
///
/// Instructions, one per `;`, keywords in upper case as in a Dockerfile:
///
/// ```text
/// RUN [RUN_FLAG...] STRING                     shell form; a string with newlines is a
///                                              script, rendered as a heredoc
/// RUN [RUN_FLAG...] STRING ("&&" STRING)+      a chain (`Run::chain`): one command a line
/// RUN [RUN_FLAG...] "[" STRING, ... "]"        exec form
/// RUN [RUN_FLAG...] "{" EXPR "}"               anything `Into<Run>`
///     RUN_FLAG := "--mount" "=" MOUNT
///               | "--network" "=" ("default" | "none" | "host")
///               | "--security" "=" ("sandbox" | "insecure")
///     MOUNT    := "type" "=" KIND ("," OPTION ["=" OPTION_VALUE])*
///         bind:   target, source, from, rw
///         cache:  target, id, sharing = shared|private|locked, from, source, ro,
///                 mode, uid, gid
///         tmpfs:  target, size
///         secret: id, target, env, required, mode, uid, gid
///         ssh:    id, target, required, mode, uid, gid
///     OPTION_VALUE := STRING | INTEGER | IDENT | "{" EXPR "}"
///         `from = IDENT` is a stage, `from = STRING` an image, `from = {expr}` anything
///         `IntoSource`; `rw`, `ro` and `required` take no value; `mode` is octal.
/// CMD COMMAND;  ENTRYPOINT COMMAND
///     COMMAND := "[" STRING, ... "]"           exec form (JSON)
///              | STRING                        shell form (`Command::shell`)
///              | "{" EXPR "}"                  anything `IntoCommand` (an array, a `Vec`,
///                                              `Command::shell(..)`)
/// SHELL "[" STRING, ... "]"
/// ENV KEY "=" VALUE [[","] KEY "=" VALUE]...  several pairs make one instruction
/// LABEL KEY "=" VALUE [[","] KEY "=" VALUE]...
///     KEY := IDENT | STRING                    LABEL keys with dots are strings
/// ARG KEY ["=" VALUE]
/// EXPOSE PORT...
///     PORT := INTEGER ["-" INTEGER] ["/" ("tcp" | "udp" | "sctp")]
///           | STRING                           "53/udp", "8000-8010/tcp"
///           | "{" EXPR "}"                     anything `Into<Port>`
/// COPY [COPY_FLAG...] SRC... DEST              several sources: DEST ends with "/"
/// COPY [COPY_FLAG...] "<<" VALUE DEST          an inline file (a heredoc)
///     SRC, DEST := VALUE
///     COPY_FLAG := "--from" "=" (IDENT | STRING | "{" EXPR "}")
///                                              a stage, an image, anything `IntoSource`
///                | "--chown" "=" VALUE | "--chmod" "=" CHMOD | "--link" | "--parents"
///                | "--exclude" "=" VALUE       (repeatable)
///     CHMOD := INTEGER                         octal as in a Dockerfile: 755 or 0o755
///            | STRING                          symbolic: "u=rwX,go=rX"
///            | "{" EXPR "}"                    anything `Into<Chmod>`
/// ADD [ADD_FLAG...] SRC... DEST;  ADD [ADD_FLAG...] "<<" VALUE DEST
///     ADD_FLAG := "--chown" "=" VALUE | "--chmod" "=" CHMOD | "--link"
///               | "--checksum" "=" VALUE | "--keep-git-dir" ["=" BOOL]
///               | "--unpack" ["=" BOOL] | "--exclude" "=" VALUE
///     BOOL := "true" | "false" | "{" EXPR "}"
/// VOLUME VALUE...                              one instruction, JSON form
/// USER VALUE                                   `{expr}`: anything `IntoUser`, such as `{10001}`
/// WORKDIR VALUE;  MAINTAINER VALUE
/// STOPSIGNAL (IDENT | STRING | INTEGER | "{" EXPR "}")      SIGQUIT, "SIGRTMIN+3", 9
/// HEALTHCHECK "NONE"
/// HEALTHCHECK [HC_FLAG...] "CMD" COMMAND
///     HC_FLAG := ("--interval" | "--timeout" | "--start-period" | "--start-interval")
///                "=" DURATION
///              | "--retries" "=" (INTEGER | "{" EXPR "}")
///     DURATION := 30s | 2.5s | 500ms | 1m30s   a number with a Go duration unit
///               | STRING                       "1m30s"
///               | "{" EXPR "}"                 a `std::time::Duration`
/// ONBUILD INSTR                                any instruction but ONBUILD, MAINTAINER
///                                              and comments
/// "#" VALUE                                    a comment before the next instruction
/// ```
///
/// Rust comments (`//`) are not part of the Dockerfile. Global `ARG`s, the `# syntax` line
/// and build checks belong to the whole Dockerfile: set them on
/// [`Dockerfile::builder`](crate::Dockerfile::builder).
///
/// # What is checked when
///
/// - A stage reference is an identifier, so rustc resolves it: a misspelt stage, one
///   declared later, or a stage used as its own base do not compile, and rustc suggests the
///   stage it knows with a similar name.
/// - Literals are checked at compile time by the same functions the builder runs when a
///   `Dockerfile` is made (the crate's `rules` module is compiled into the macro): image
///   references, stage names, platforms, ports, durations, signals, mount options, owners,
///   modes, variable and label keys, commands and exec-form elements. Each error points at
///   the literal; every error of a call is reported in one compile. Checks that depend on
///   the whole Dockerfile (the escape character, a pinned syntax version, global build
///   arguments) run when it is made.
/// - Keywords, flags, mount types and options are checked by the macro, with a suggestion
///   for a misspelling. Two stages with the same name are an error at the second.
/// - `{expr}` values are checked when the `Dockerfile` is made, like builder arguments.
///
/// # Common errors
///
/// Each message below is pinned by a compile-fail test (`tests/ui/*.stderr`), so that what
/// is shown here is what rustc prints.
///
/// A misspelt stage (`tests/ui/misspelt_stage.rs`):
///
/// ```compile_fail,E0425
/// use dockerdsl::dockerfile;
///
/// dockerfile! {
///     go_builder = FROM "golang:1.23-alpine" AS "go-builder" {
///         RUN "go build -o /go/main .";
///     }
///     app = FROM "alpine:3.20" {
///         COPY --from=go_bulder "/go/main" "/main";
///     }
/// }
/// ```
///
/// ```text
/// error[E0425]: cannot find value `go_bulder` in this scope
///  --> tests/ui/misspelt_stage.rs:9:25
///   |
/// 9 |             COPY --from=go_bulder "/go/main" "/main";
///   |                         ^^^^^^^^^
///   |
/// help: a local variable with a similar name exists
///   |
/// 9 |             COPY --from=go_builder "/go/main" "/main";
///   |                              +
/// ```
///
/// A stage used before it is declared, or by itself, gives the same error ("not found in
/// this scope"), since its variable does not exist yet.
///
/// An invalid literal, here an image reference with an upper-case letter
/// (`tests/ui/invalid_image.rs`); ports, durations, signals, modes, mount options, stage
/// names, keys and commands read the same way:
///
/// ```text
/// error: invalid image reference "Alpine:3.20": `A` at position 1: repository names are lower-case
///        help: use "alpine:3.20"
///  --> tests/ui/invalid_image.rs:5:21
///   |
/// 5 |         base = FROM "Alpine:3.20" {}
///   |                     ^^^^^^^^^^^^^
/// ```
///
/// A misspelt instruction, flag, mount type or option (`tests/ui/unknown_instruction.rs`,
/// `unknown_flag.rs`, `invalid_mount.rs`):
///
/// ```text
/// error: unknown instruction `WORKDRI`
///        help: did you mean `WORKDIR`?
///  --> tests/ui/unknown_instruction.rs:6:13
///   |
/// 6 |             WORKDRI "/app";
///   |             ^^^^^^^
///
/// error: unknown flag `--form` of COPY
///        help: did you mean `--from`?
///  --> tests/ui/unknown_flag.rs:7:18
///   |
/// 7 |             COPY --form=build "/go/bin/app" "/app";
///   |                  ^^^^^^
/// ```
///
/// Two stages with one name (`tests/ui/duplicate_stage_name.rs`):
///
/// ```text
/// error: duplicate stage name `build`: a stage above already has it
///        help: give one of them another name with `AS "..."`
///  --> tests/ui/duplicate_stage_name.rs:6:30
///   |
/// 6 |         test = FROM build AS "build" {}
///   |                              ^^^^^^^
///
/// error: stage `build` first named here
///  --> tests/ui/duplicate_stage_name.rs:5:9
///   |
/// 5 |         build = FROM "golang:1.23" {}
///   |         ^^^^^
/// ```
///
/// A stage named by a string where its identifier is meant (`tests/ui/stage_as_string.rs`):
///
/// ```text
/// error: "go-builder" names a stage declared in this call; refer to the stage by its identifier: `go_builder`
///  --> tests/ui/stage_as_string.rs:7:25
///   |
/// 7 |             COPY --from="go-builder" "/go/main" "/main";
///   |                         ^^^^^^^^^^^^
/// ```
///
/// A JSON (exec) form that is not one (`tests/ui/json_form.rs`):
///
/// ```text
/// error: expected `,` between the elements of the exec form (JSON array)
///  --> tests/ui/json_form.rs:6:25
///   |
/// 6 |             CMD ["/app" "--serve"];
///   |                         ^^^^^^^^^
/// ```
///
/// Something that is not a stage where a stage is expected, such as `--from={"builder"}`
/// (`tests/ui/not_a_stage.rs`; the builder's `copy_from("builder", ..)` gives the same):
///
/// ```text
/// error[E0277]: `&str` is not a stage, an image or a build context
///  --> tests/ui/not_a_stage.rs:6:26
///   |
/// 6 | |             COPY --from={"builder"} "/go/main" "/main";
///   | |                          ^^^^^^^^^ expected `&Stage`, `Source::image(..)` or `Context::new(..)` here
///   |
///   = help: the trait `IntoSource` is not implemented for `&str`
///   = note: refer to a stage by its value (`&builder`), not by its name: the compiler then checks that it exists
///   = note: for an external image write `Source::image("nginx:1.27")`
/// ```
#[macro_export]
macro_rules! dockerfile {
    ($($tokens:tt)*) => {
        $crate::__private::dockerfile_impl! { [$crate] $($tokens)* }
    };
}

/// What the macro's expansion names, reached through `$crate` so that the expansion works
/// under `#![no_implicit_prelude]`, with the crate renamed, and whatever the caller has in
/// scope. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use dockerdsl_macros::dockerfile_impl;
    pub use std::boxed::Box;
    pub use std::convert::{From, Into};
    pub use std::string::String;
    pub use std::time::Duration;

    /// The [`Text`](crate::Text) of a `{expr}` value: anything that converts into a
    /// `String`, as before `Text` (a borrowed `&str` is copied), without `From` or `Into`
    /// in scope. A literal is `Text::from_static`, with no copy.
    pub fn string(s: impl Into<String>) -> crate::Text {
        crate::Text::from(s.into())
    }
}
