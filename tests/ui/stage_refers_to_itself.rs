use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            COPY --from=app "/a" "/b";
        }
    }
    let _ = app;
}
