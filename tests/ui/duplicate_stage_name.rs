use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        build = FROM "golang:1.23" {}
        test = FROM build AS "build" {}
    }
    let _ = test;
}
