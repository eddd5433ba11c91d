use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            COPY --chmod=789 "run.sh" "/run.sh";
            COPY --chmod="u=rwz" "run.sh" "/run2.sh";
            ADD --chmod=0o17777 --chown="app user" "app.tar.gz" "/srv/";
        }
    }
    let _ = app;
}
