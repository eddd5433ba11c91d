//! `dockerdsl import` for real: the Rust source generated for every corpus file, with the
//! builder and with the `dockerfile!` macro, is compiled (all of it in one generated crate,
//! built once) and run, and each renders exactly the text `dockerdsl fmt` gives for the file.

use crate::common;

use std::path::Path;
use std::process::Command;

#[test]
fn imported_code_compiles_and_renders_like_fmt() {
    let Some(dir) = common::corpus("imported_code_compiles_and_renders_like_fmt") else {
        return;
    };
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-check");
    let src = root.join("src");
    let out = root.join("rendered");
    let _ = std::fs::remove_dir_all(&src);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&src).expect("src folder");
    std::fs::create_dir_all(&out).expect("output folder");

    let mut expected = Vec::new();
    let mut main = String::from("use std::io::Write;\n\n");
    let mut calls = String::new();
    for entry in corpus_entries(&dir) {
        let text = std::fs::read_to_string(&entry).expect("utf-8 Dockerfile");
        let Ok(parsed) = dockerdsl::parse(&text) else {
            // Refused files are covered by the parse_corpus test.
            continue;
        };
        // Each file twice: builder code, then the `dockerfile!` macro.
        let generated = [
            dockerdsl::import::builder(parsed.dockerfile()),
            dockerdsl::import::with_macro(parsed.dockerfile()),
        ];
        for code in generated {
            let n = expected.len();
            std::fs::write(src.join(format!("f{n}.rs")), code).expect("module written");
            main.push_str(&format!("#[path = \"f{n}.rs\"]\nmod f{n};\n"));
            calls.push_str(&format!(
                "    write(&out, {n}, f{n}::dockerfile().map(|d| d.to_string()));\n"
            ));
            expected.push((entry.clone(), parsed.dockerfile().to_string()));
        }
    }
    main.push_str(
        "\nfn write(out: &std::path::Path, n: usize, text: Result<String, dockerdsl::Error>) {\n    \
         let text = text.unwrap_or_else(|e| format!(\"ERROR: {e}\"));\n    \
         let mut f = std::fs::File::create(out.join(format!(\"{n}.Dockerfile\"))).unwrap();\n    \
         f.write_all(text.as_bytes()).unwrap();\n}\n\nfn main() {\n    \
         let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap());\n",
    );
    main.push_str(&calls);
    main.push_str("}\n");
    std::fs::write(src.join("main.rs"), main).expect("main written");
    let dockerdsl = Path::new(env!("CARGO_MANIFEST_DIR")).join("dockerdsl");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"import-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ndockerdsl = {{ path = {:?} }}\n\n[workspace]\n",
            dockerdsl.display().to_string()
        ),
    )
    .expect("manifest written");
    // The workspace's lock file pins the same dependency versions, so nothing is resolved
    // anew.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
        root.join("Cargo.lock"),
    )
    .expect("lock file copied");

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--")
        .arg(&out)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the generated code did not build or run");

    let mut failures = Vec::new();
    for (n, (file, want)) in expected.iter().enumerate() {
        let got = std::fs::read_to_string(out.join(format!("{n}.Dockerfile"))).expect("rendered");
        if &got != want {
            failures.push(format!(
                "{}: the imported code renders\n{got}\n--- but fmt gives\n{want}",
                file.display()
            ));
        }
    }
    eprintln!(
        "import: {} corpus files imported twice (builder, macro), {} of the {} programs compiled and rendered like fmt",
        expected.len() / 2,
        expected.len() - failures.len(),
        expected.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Dockerfiles of `real/` and `buildkit-tests/`, sorted.
fn corpus_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for sub in ["real/files", "buildkit-tests"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("corpus folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let is_dockerfile =
                name.is_some_and(|n| sub == "real/files" || n.ends_with(".Dockerfile"));
            if is_dockerfile {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
