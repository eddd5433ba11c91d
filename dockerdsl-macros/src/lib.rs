//! Implementation detail of [`dockerdsl`](https://docs.rs/dockerdsl).
//!
//! This crate will hold the `dockerfile!` procedural macro. It is a separate crate only
//! because procedural macros must live in a `proc-macro` crate; depend on `dockerdsl`
//! instead, which re-exports what is public.
