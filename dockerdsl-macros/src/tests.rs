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
