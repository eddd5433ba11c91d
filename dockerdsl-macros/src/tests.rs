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
