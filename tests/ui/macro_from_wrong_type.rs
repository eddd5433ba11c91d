use dockerdsl::dockerfile;

fn main() {
    let version = 23;
    dockerfile! {
        build = FROM {version} {
            CMD {"go build ./..."};
        }
    }
}
