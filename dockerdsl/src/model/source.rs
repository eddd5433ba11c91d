//! Where `COPY --from` and `RUN --mount=...,from=` take files from: a stage value, an image,
//! or a named build context. Never a stage's name as a string.

use crate::model::stage::Stage;
use crate::model::values::{Context, ImageRef};

/// The origin of copied or mounted files.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// An earlier stage of the same Dockerfile.
    Stage(Stage),
    /// An external image, such as `nginx:1.27`.
    Image(ImageRef),
    /// A named build context.
    Context(Context),
}

impl Source {
    /// The external image `reference` as a source: `COPY --from=nginx:1.27`.
    ///
    /// ```
    /// use dockerdsl::{Dockerfile, Source, Stage};
    ///
    /// let app = Stage::from_image("app", "alpine:3.20")
    ///     .copy_from(Source::image("nginx:1.27"), "/etc/nginx/nginx.conf", "/etc/nginx/");
    /// assert!(Dockerfile::new(&app)?.to_string().contains("COPY --from=nginx:1.27 "));
    /// # Ok::<(), dockerdsl::Error>(())
    /// ```
    pub fn image(reference: impl Into<ImageRef>) -> Source {
        Source::Image(reference.into())
    }
}

/// A referenced stage shows as its name, so that `Debug` output stays short and printing a
/// deep graph does not recurse through it.
impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Stage(s) => f.debug_tuple("Stage").field(&s.name()).finish(),
            Source::Image(i) => f.debug_tuple("Image").field(i).finish(),
            Source::Context(c) => f.debug_tuple("Context").field(c).finish(),
        }
    }
}

/// Something files can be copied or mounted from: a [`Stage`] (by reference), an
/// [`ImageRef`] (through [`Source::image`]) or a [`Context`].
///
/// A string is deliberately not one: a stage is referred to by its value, so that a
/// misspelt or missing stage does not compile. This fails with "`&str` is not a stage, an
/// image or a build context":
///
/// ```compile_fail
/// use dockerdsl::Stage;
///
/// let app = Stage::from_image("app", "alpine:3.20").copy_from("builder", "/go/main", "/main");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a stage, an image or a build context",
    label = "expected `&Stage`, `Source::image(..)` or `Context::new(..)` here",
    note = "refer to a stage by its value (`&builder`), not by its name: the compiler then checks that it exists",
    note = "for an external image write `Source::image(\"nginx:1.27\")`"
)]
pub trait IntoSource {
    /// Converts into a [`Source`].
    fn into_source(self) -> Source;
}

impl IntoSource for &Stage {
    fn into_source(self) -> Source {
        Source::Stage(self.clone())
    }
}

impl IntoSource for Stage {
    fn into_source(self) -> Source {
        Source::Stage(self)
    }
}

impl IntoSource for Source {
    fn into_source(self) -> Source {
        self
    }
}

impl IntoSource for ImageRef {
    fn into_source(self) -> Source {
        Source::Image(self)
    }
}

impl IntoSource for Context {
    fn into_source(self) -> Source {
        Source::Context(self)
    }
}

impl IntoSource for &Context {
    fn into_source(self) -> Source {
        Source::Context(self.clone())
    }
}
