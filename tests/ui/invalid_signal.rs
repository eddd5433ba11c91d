use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "alpine:3.20" {
            STOPSIGNAL "SIGTERM SIGKILL";
        }
        web = FROM "nginx:1.27" {
            STOPSIGNAL 99;
        }
        // A misspelt name: BuildKit refuses it when it builds the stage.
        worker = FROM "alpine:3.20" {
            STOPSIGNAL SIGTEIL;
        }
    }
    let _ = (app, web, worker);
}
