use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        app = FROM "rust:1.83" {
            RUN --mount=type=cahce,target="/root/.cargo" "cargo build";
            RUN --mount=type=cache,target="/a,b",sharing=lockd,rw "cargo build";
            RUN --mount=type=secret,id="token",env="NPM-TOKEN",mode=0o10000 "npm ci";
            RUN --mount=type=tmpfs,size=64 "make";
        }
    }
    let _ = app;
}
