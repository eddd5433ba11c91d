use dockerdsl::Stage;

fn main() {
    let uid: i64 = 10001;
    let _app = Stage::from_scratch("app").user(uid);
}
