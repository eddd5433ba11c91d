use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM --platform="linux" "alpine:3.20" {
            ENV "1PATH" = "/bin";
            LABEL "org opencontainers" = "x";
            ARG VERSION = "1.0\n2.0";
            USER "app user";
            WORKDIR "";
            RUN "--help";
        }
    }
    let _ = app;
}
