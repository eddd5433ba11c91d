use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            CMD ["/app" "--serve"];
            ENTRYPOINT ["/app", 8080];
            SHELL "/bin/sh -c";
            RUN "[\"ls\", \"-l\"] && make";
        }
    }
    let _ = app;
}
