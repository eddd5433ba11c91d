use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            COPY --from={"builder"} "/go/main" "/main";
        }
    }
    let _ = app;
}
