//! Any text: the parser returns a model or errors, never panics; a model renders to text
//! the parser reads back to the same model (formatting is idempotent), and the importer and
//! the graph views accept it. The graph of any text is drawn or refused, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = dockerdsl::graph::mermaid_text(text);
    let Ok(parsed) = dockerdsl::parse(text) else {
        return;
    };
    let formatted = parsed.dockerfile().to_string();
    let again = match dockerdsl::parse(&formatted) {
        Ok(again) => again,
        Err(e) => panic!("the canonical text does not parse:\n{formatted}\n{e}"),
    };
    assert_eq!(again.dockerfile().to_string(), formatted, "not idempotent");
    let _ = dockerdsl::import::builder(parsed.dockerfile());
    let _ = dockerdsl::graph::mermaid(parsed.dockerfile());
    let _ = dockerdsl::graph::dot(parsed.dockerfile());
});
