// A build plan refers to stages, targets and groups by value, never by name: a misspelt or
// missing one does not compile.
use dockerdsl::bake::{ContextSource, Group, Target};
use dockerdsl::{Dockerfile, Stage};

fn main() {
    let app = Stage::from_image("app", "alpine:3.20");
    let dockerfile = Dockerfile::new(&app).unwrap();
    // The stage by its name.
    let target = Target::new("app", &dockerfile, "app");
    // A group's target by its name.
    let _group = Group::default_group().target("app");
    // A `target:` context by the target's name.
    let _context = ContextSource::target("base");
    let _ = target;
}
