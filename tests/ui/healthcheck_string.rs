use dockerdsl::{Healthcheck, Stage};

fn main() {
    let _web = Stage::from_image("web", "nginx:1.27-alpine")
        .healthcheck(Healthcheck::cmd("curl -f http://localhost/ || exit 1"));
}
