//! Implementation detail of [`dockerdsl`](https://docs.rs/dockerdsl): the `dockerfile!`
//! procedural macro. Depend on `dockerdsl` instead, which documents the macro's grammar and
//! re-exports it; the macro is reached through `dockerdsl`'s `dockerfile!`, which passes its
//! own path (`$crate`) first, so that the expansion names `dockerdsl` however it is renamed.
//!
//! The macro parses, checks and expands in one pass over each instruction. Literals are
//! checked by `rules.rs`, the very file `dockerdsl` compiles for its own validation (a
//! symbolic link here, so that `cargo package` ships its content with this crate). The
//! expansion is builder calls only: `Stage::from_image(..).push(..)`.
//!
//! Errors do not stop the expansion: every instruction is parsed on its own, an instruction
//! that does not parse is left out, and every stage still becomes its `let` binding, so that
//! the caller's later uses of the stages raise no follow-on errors.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cursor;
mod instruction;
// The validation rules of `dockerdsl`, compiled here as they are there; the macro uses a part.
#[allow(dead_code)]
mod rules;
mod stage;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};

/// Expands `dockerfile! { [$crate] STAGES }`; called through `dockerdsl::dockerfile!`.
#[proc_macro]
pub fn dockerfile_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into()).into()
}

/// The expansion of the macro's input (the crate path in brackets, then the stages).
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter();
    let krate = match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => g.stream(),
        _ => {
            return cursor::error(
                Span::call_site(),
                "use `dockerdsl::dockerfile!`, not the implementation macro",
            )
            .to_compile_error();
        }
    };
    stage::expand(krate, tokens.collect())
}

#[cfg(test)]
mod tests;
