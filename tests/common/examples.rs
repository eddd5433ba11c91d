//! The project's examples, compiled into the tests that check them. Each is also a program
//! whose `main` goes unused here (the dead-code allowance of `common` covers it).

#[path = "../../examples/go_alpine.rs"]
pub mod go_alpine;
#[path = "../../examples/kitchen_sink.rs"]
pub mod kitchen_sink;
#[path = "../../examples/node_nginx.rs"]
pub mod node_nginx;
#[path = "../../examples/recipes.rs"]
pub mod recipes;
#[path = "../../examples/rust_chef.rs"]
pub mod rust_chef;
