//! The model: plain data that every other part of the crate reads or produces.
//!
//! Values, sources, mounts, instructions, stages and the `Dockerfile` itself live here, with
//! their builder methods. Nothing in this folder calls a phase (validation, rendering,
//! parsing, linting) or an output: those sit above it and read it. `.ci/layers` checks
//! that no `use` line here reaches upward.

pub(crate) mod dockerfile;
pub(crate) mod instruction;
pub(crate) mod list;
pub(crate) mod mount;
pub(crate) mod source;
pub(crate) mod stage;
pub(crate) mod text;
pub(crate) mod values;
