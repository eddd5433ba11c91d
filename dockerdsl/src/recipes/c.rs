//! A C program linked statically with gcc on Debian, alone in a `scratch` image.

use super::ImageOptions;
use crate::error::Error;
use crate::model::instruction::Run;
use crate::model::stage::Stage;
use crate::model::values::ImageRef;

/// A statically linked C program: compiled in `c-builder` and copied into an empty image,
/// where it is the only file.
///
/// ```
/// use dockerdsl::Dockerfile;
/// use dockerdsl::recipes::{CStatic, ImageOptions};
///
/// let app = CStatic::new("hello").options(ImageOptions::new().non_root(65534)).stage()?;
/// assert_eq!(
///     Dockerfile::new(&app)?.to_string(),
///     r#"# syntax=docker/dockerfile:1
///
/// FROM gcc:14-bookworm AS c-builder
/// WORKDIR /src
/// COPY . .
/// RUN mkdir -p /out \
///     && cc -static -O2 -s -o /out/hello ./*.c
///
/// FROM scratch AS final
/// COPY --from=c-builder /out/hello /hello
/// USER 65534:65534
/// ENTRYPOINT ["/hello"]
/// "#
/// );
/// # Ok::<(), dockerdsl::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CStatic {
    binary: String,
    builder_image: ImageRef,
    compile: Option<String>,
    options: ImageOptions,
}

impl CStatic {
    /// The program `binary`, compiled from the `*.c` files of the context with
    /// `gcc:14-bookworm`.
    pub fn new(binary: impl Into<String>) -> Self {
        CStatic {
            binary: binary.into(),
            builder_image: "gcc:14-bookworm".into(),
            compile: None,
            options: ImageOptions::new(),
        }
    }

    /// The image with the compiler and a static C library.
    pub fn builder_image(mut self, image: impl Into<ImageRef>) -> Self {
        self.builder_image = image.into();
        self
    }

    /// The command that builds `/out/<binary>` (default
    /// `cc -static -O2 -s -o /out/<binary> ./*.c`), such as `make && cp app /out/app`. It
    /// must link statically: `scratch` has no C library.
    pub fn compile(mut self, command: impl Into<String>) -> Self {
        self.compile = Some(command.into());
        self
    }

    /// User, labels and pinning of the final image.
    pub fn options(mut self, options: ImageOptions) -> Self {
        self.options = options;
        self
    }

    /// The final stage, with `c-builder` behind it.
    pub fn stage(&self) -> Result<Stage, Error> {
        self.options.check(
            &[("c-builder", &self.builder_image)],
            Some(("c-builder", &self.binary)),
        )?;
        let out = format!("/out/{}", self.binary);
        let compile = self
            .compile
            .clone()
            .unwrap_or_else(|| format!("cc -static -O2 -s -o {out} ./*.c"));
        let builder = Stage::from_image("c-builder", &self.builder_image)
            .workdir("/src")
            .copy(".", ".")
            .run(Run::chain(["mkdir -p /out".to_owned(), compile]));
        let installed = format!("/{}", self.binary);
        let app = self
            .options
            .labeled(Stage::from_scratch("final"))
            .copy_from(&builder, out, &installed);
        Ok(self.options.user(app).entrypoint([installed]))
    }
}
