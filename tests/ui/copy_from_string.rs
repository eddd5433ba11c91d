use dockerdsl::Stage;

fn main() {
    let _app = Stage::from_image("app", "alpine:3.20").copy_from("builder", "/go/main", "/main");
}
