//! What the image runs. The interesting part of this example is `build.rs`.

fn main() {
    println!("hello from an image whose Dockerfile build.rs wrote");
}
