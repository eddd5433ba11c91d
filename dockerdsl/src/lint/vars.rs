//! Variables as BuildKit's lints see them: a word expanded with the `ARG` defaults and Go's
//! quoting of names, both from the crate's one expansion ([`crate::expand`]), which the
//! reader and the graph use too.

pub(crate) use crate::expand::{expand_known as expand, go_quote};
