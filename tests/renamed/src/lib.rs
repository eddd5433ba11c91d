//! `dockerdsl` is renamed `dd` in this crate's Cargo.toml: the macro still finds it,
//! because `dockerfile!` passes its own path (`$crate`) to the expansion.

/// The stages of a small Dockerfile, declared with the renamed crate's macro.
///
/// ```
/// let text = dockerdsl_renamed::dockerfile().unwrap().to_string();
/// assert!(text.contains("COPY --from=build /out/app /app\n"));
/// ```
pub fn dockerfile() -> Result<dd::Dockerfile, dd::Error> {
    dd::dockerfile! {
        build = FROM "golang:1.23-alpine" {
            RUN "go build -o /out/app .";
        }
        app = FROM "alpine:3.20" {
            COPY --from=build "/out/app" "/app";
            CMD ["/app"];
        }
    }
    dd::Dockerfile::new(&app)
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders() {
        let text = super::dockerfile()
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(
            text.ends_with("COPY --from=build /out/app /app\nCMD [\"/app\"]\n"),
            "{text}"
        );
    }
}
