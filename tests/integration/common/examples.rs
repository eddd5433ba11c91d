//! The project's examples, compiled into the tests that check them. Each is also a program
//! whose `main` goes unused here, hence the `expect` on each.

#[path = "../../../examples/bake.rs"]
#[expect(dead_code, reason = "the example's `main`, for `cargo run --example`")]
pub mod bake;
#[path = "../../../examples/go_alpine.rs"]
#[expect(dead_code, reason = "the example's `main`, for `cargo run --example`")]
pub mod go_alpine;
#[path = "../../../examples/kitchen_sink.rs"]
#[expect(dead_code, reason = "the example's `main`, for `cargo run --example`")]
pub mod kitchen_sink;
#[path = "../../../examples/node_nginx.rs"]
#[expect(dead_code, reason = "the example's `main`, for `cargo run --example`")]
pub mod node_nginx;
#[path = "../../../examples/recipes.rs"]
#[expect(dead_code, reason = "the example's `main`, for `cargo run --example`")]
pub mod recipes;
#[path = "../../../examples/rust_chef.rs"]
#[expect(dead_code, reason = "the example's `main`, for `cargo run --example`")]
pub mod rust_chef;
