//! Snapshots of the expansion, formatted as code.

use crate::expand;
use proc_macro2::TokenStream;

fn expanded(input: &str) -> String {
    let input: TokenStream = match format!("[::dockerdsl] {input}").parse() {
        Ok(t) => t,
        Err(e) => panic!("test input does not lex: {e}"),
    };
    let output = expand(input);
    let file = format!("fn main() {{ {output} }}");
    match syn::parse_file(&file) {
        Ok(f) => prettyplease::unparse(&f),
        Err(e) => panic!("the expansion does not parse: {e}\n{output}"),
    }
}

macro_rules! snapshot {
    ($name:ident, $input:literal) => {
        #[test]
        fn $name() {
            let text = format!("{}\n----- expanded -----\n{}", $input.trim(), expanded($input));
            insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(stringify!($name), text);
            });
        }
    };
}

snapshot!(
    go_alpine,
    r#"
    base = FROM "alpine:3.20" {
        RUN "apk add --no-cache curl wget";
    }
    go_builder = FROM "golang:1.23-alpine" AS "go-builder" {
        WORKDIR "/go/src/app";
        COPY "go.mod" "./";
        ENV CGO_ENABLED = "0";
        RUN "go build -o /go/main .";
    }
    app = FROM base AS "final" {
        COPY --from=go_builder "/go/main" "/main";
        CMD ["/main"];
    }
"#
);

snapshot!(
    run_forms_and_mounts,
    r#"
    build = FROM --platform="$BUILDPLATFORM" "rust:1.83" {
        RUN --mount=type=cache,target="/usr/local/cargo/registry",sharing=locked,mode=755
            --mount=type=secret,id="token",env="TOKEN",required
            --mount=type=bind,from=assets,source="/",target="/assets",rw
            --mount=type=ssh
            --network=none --security={Security::Insecure}
            "cargo build" && "cp target/release/app /app";
        RUN "set -e\necho one\n";
        RUN ["/bin/true"];
        RUN {script};
    }
"#
);

snapshot!(
    files_ports_and_checks,
    r#"
    app = FROM {&base} AS "app" {
        COPY --from=build --chown="app:app" --chmod=0o755 --link "/out/app" "/app";
        COPY --parents --exclude="*.tmp" "a" "b" "/dest/";
        COPY --from="nginx:1.27" << "hello\n" "/hello";
        ADD --checksum="sha256:abc" --keep-git-dir=false --unpack {url} "/src";
        EXPOSE 80 53/udp 8000-8010/sctp "9000" {port};
        HEALTHCHECK --interval=1m30s --timeout=2.5s --retries=3 CMD "curl -f http://localhost/";
        HEALTHCHECK NONE;
        ONBUILD COPY --from=build "/out/app" "/app";
        STOPSIGNAL SIGQUIT;
        # "a comment";
        LABEL "org.opencontainers.image.title" = "app", version = {v};
        ARG VERSION = "1.0";
        CMD [];
    }
"#
);

// After errors, every stage is still declared (the bad instruction is left out), so the
// caller's code raises no follow-on errors.
snapshot!(
    fallback_after_errors,
    r#"
    base = FORM "alpine" {
        RUN "make";
    }
    app = FROM base {
        WORKDRI "/app";
        COPY --from=base "/a" "/b";
        EXPOSE 99999;
    }
"#
);

/// Every instruction and flag, for the robustness test below.
const EVERYTHING: &str = r#"
    base = FROM --platform="$BUILDPLATFORM" "alpine:3.20" AS "base" {
        RUN --mount=type=cache,target="/c",sharing=locked,mode=755,uid=0 --network=none
            "a" && "b";
        RUN ["/bin/true"];
        CMD ["/app"]; ENTRYPOINT "exec app"; SHELL ["/bin/sh", "-c"];
        ENV A = "1", B = {b}; LABEL "k.v" = "x"; ARG V = "1";
        EXPOSE 80 53/udp 8000-8010/tcp "9000";
        COPY --from=other --chown="a:b" --chmod=755 --link --parents --exclude="x" "a" "b" "/d/";
        COPY << "body\n" "/f";
        ADD --checksum="sha256:00" --keep-git-dir=true --unpack "u" "/d";
        VOLUME "/v"; USER "app"; WORKDIR "/w"; MAINTAINER "m";
        ONBUILD RUN "x"; STOPSIGNAL SIGQUIT;
        HEALTHCHECK --interval=30s --retries=3 CMD ["x"]; HEALTHCHECK NONE;
        # "comment";
    }
    app = FROM base { COPY --from=base "/a" "/b"; }
"#;

/// The leaf token number `target` (depth-first) removed, groups kept; `seen` counts leaves.
fn without(tokens: TokenStream, target: usize, seen: &mut usize) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    let mut out = Vec::new();
    for t in tokens {
        match t {
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), without(g.stream(), target, seen));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            leaf => {
                if *seen != target {
                    out.push(leaf);
                }
                *seen += 1;
            }
        }
    }
    out.into_iter().collect()
}

/// Whatever token is missing, the macro does not panic and its expansion is valid Rust
/// (errors as `compile_error!`, every stage still declared).
#[test]
fn any_token_missing_still_expands() {
    let input: TokenStream = match EVERYTHING.parse() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let full = expand(format!("[::dockerdsl] {input}").parse().unwrap_or_default());
    assert!(!full.to_string().contains("compile_error"), "{full}");
    let mut i = 0;
    loop {
        let mut seen = 0;
        let cut = without(input.clone(), i, &mut seen);
        if seen <= i {
            break; // every leaf has been removed once
        }
        let output = expand(quote::quote!([::dockerdsl] #cut));
        let file = format!("fn main() {{ {output} }}");
        if let Err(e) = syn::parse_file(&file) {
            panic!("token {i} removed: the expansion does not parse: {e}\n{output}");
        }
        let text = output.to_string();
        assert!(
            text.contains("let base") || i < 2,
            "token {i} removed: {text}"
        );
        i += 1;
    }
    assert!(i > 150, "only {i} tokens");
}
