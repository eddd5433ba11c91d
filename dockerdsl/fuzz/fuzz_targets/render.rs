//! An arbitrary Dockerfile in (every instruction and flag, hostile text in every free-text
//! field, decoded from the fuzzer's bytes), rendered, read back with `parse-dockerfile`: every
//! instruction must come back with the keyword, flags, values and heredoc bodies the model
//! holds. Models that `Dockerfile::new` refuses are fine.
//!
//! The spec, the model builder and the reading are the oracle tests' own
//! (`tests/integration/common/{spec,read,bk,pieces}.rs`), compiled in with `#[path]`.

#![no_main]

#[path = "../../../tests/integration/common/bk.rs"]
#[allow(dead_code)]
mod bk;
#[path = "../../../tests/integration/common/pieces.rs"]
#[allow(dead_code)]
mod pieces;
#[path = "../../../tests/integration/common/read.rs"]
#[allow(dead_code)]
mod read;
#[path = "../../../tests/integration/common/spec.rs"]
#[allow(dead_code)]
mod spec;

use arbitrary::{Result, Unstructured};
use dockerdsl::Escape;
use libfuzzer_sys::fuzz_target;
use spec::*;
use std::time::Duration;

/// Up to `max` pieces: hostile ones, plain words, and arbitrary characters.
fn text(u: &mut Unstructured<'_>, max: u32) -> Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=max)? {
        match u.int_in_range(0..=3)? {
            0 | 1 => s.push_str(u.choose(pieces::HOSTILE)?),
            2 => s.push_str(u.choose(&["a", "bin", "/usr", "x.txt", "app-1", "v2"])?),
            _ => s.push(u.arbitrary::<char>()?),
        }
    }
    Ok(s)
}

fn line(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(text(u, 8)?.replace('\n', ""))
}

fn body(u: &mut Unstructured<'_>) -> Result<String> {
    let mut lines = Vec::new();
    for _ in 0..u.int_in_range(1..=5)? {
        lines.push(if u.ratio(1, 4)? {
            (*u.choose(pieces::BODY_LINES)?).to_owned()
        } else {
            line(u)?
        });
    }
    let mut s = lines.join("\n");
    if u.arbitrary()? {
        s.push('\n');
    }
    Ok(s)
}

fn opt<T>(
    u: &mut Unstructured<'_>,
    f: impl FnOnce(&mut Unstructured<'_>) -> Result<T>,
) -> Result<Option<T>> {
    Ok(if u.arbitrary()? { Some(f(u)?) } else { None })
}

fn list(
    u: &mut Unstructured<'_>,
    min: u32,
    max: u32,
    f: impl Fn(&mut Unstructured<'_>) -> Result<String>,
) -> Result<Vec<String>> {
    (0..u.int_in_range(min..=max)?).map(|_| f(u)).collect()
}

fn ft(u: &mut Unstructured<'_>) -> Result<String> {
    text(u, 6)
}

fn owner(u: &mut Unstructured<'_>) -> Result<Owner> {
    Ok(Owner {
        mode: opt(u, |u| u.int_in_range(0..=0o7777))?,
        uid: u.arbitrary()?,
        gid: u.arbitrary()?,
    })
}

fn mount(u: &mut Unstructured<'_>) -> Result<MountSpec> {
    Ok(match u.int_in_range(0..=4)? {
        0 => MountSpec::Bind {
            target: ft(u)?,
            source: opt(u, ft)?,
            from_prev: u.arbitrary()?,
            rw: u.arbitrary()?,
        },
        1 => MountSpec::Cache {
            target: ft(u)?,
            id: opt(u, ft)?,
            sharing: opt(u, |u| u.int_in_range(0..=2))?,
            source: opt(u, ft)?,
            from_prev: u.arbitrary()?,
            ro: u.arbitrary()?,
            owner: owner(u)?,
        },
        2 => MountSpec::Tmpfs {
            target: ft(u)?,
            size: u.arbitrary()?,
        },
        3 => MountSpec::Secret {
            id: ft(u)?,
            target: opt(u, ft)?,
            env: opt(u, ft)?,
            required: u.arbitrary()?,
            owner: owner(u)?,
        },
        _ => MountSpec::Ssh {
            id: opt(u, ft)?,
            target: opt(u, ft)?,
            required: u.arbitrary()?,
            owner: owner(u)?,
        },
    })
}

fn cmd(u: &mut Unstructured<'_>) -> Result<CmdSpec> {
    Ok(if u.arbitrary()? {
        CmdSpec::Exec(list(u, 0, 3, ft)?)
    } else {
        CmdSpec::Shell(line(u)?)
    })
}

fn files(u: &mut Unstructured<'_>) -> Result<InstSpec> {
    let add = u.arbitrary()?;
    let sources = if u.ratio(1, 4)? {
        FileSources::Inline(body(u)?)
    } else {
        FileSources::Paths(list(u, 1, 3, ft)?)
    };
    let from = opt(u, |u| {
        Ok(match u.int_in_range(0..=2)? {
            0 => FromSpec::Prev,
            1 => FromSpec::Image("nginx:1.27".into()),
            _ => FromSpec::Context("assets".into()),
        })
    })?;
    let chmod = opt(u, |u| {
        Ok(if u.arbitrary()? {
            ChmodSpec::Octal(u.int_in_range(0..=0o7777)?)
        } else {
            ChmodSpec::Symbolic(ft(u)?)
        })
    })?;
    Ok(InstSpec::Files(Box::new(FilesSpec {
        add,
        sources,
        dest: ft(u)?,
        from,
        chown: opt(u, ft)?,
        chmod,
        link: u.arbitrary()?,
        exclude: list(u, 0, 2, ft)?,
        parents: u.arbitrary()?,
        checksum: opt(u, ft)?,
        keep_git_dir: u.arbitrary()?,
        unpack: u.arbitrary()?,
    })))
}

fn pairs(u: &mut Unstructured<'_>) -> Result<Vec<(String, String)>> {
    (0..u.int_in_range(1..=2)?)
        .map(|_| Ok((ft(u)?, ft(u)?)))
        .collect()
}

fn inst(u: &mut Unstructured<'_>, onbuild: bool) -> Result<InstSpec> {
    Ok(match u.int_in_range(0..=17)? {
        0 | 1 => InstSpec::Run {
            cmd: match u.int_in_range(0..=3)? {
                0 => RunCmd::Shell(line(u)?),
                1 => RunCmd::Shell(body(u)?),
                2 => RunCmd::Chain(list(u, 0, 3, line)?),
                _ => RunCmd::Exec(list(u, 0, 3, ft)?),
            },
            mounts: (0..u.int_in_range(0..=2)?)
                .map(|_| mount(u))
                .collect::<Result<_>>()?,
            network: opt(u, |u| u.int_in_range(0..=2))?,
            security: opt(u, |u| u.int_in_range(0..=1))?,
        },
        2 => InstSpec::Cmd(cmd(u)?),
        3 => InstSpec::Entrypoint(cmd(u)?),
        4 => InstSpec::Shell(list(u, 1, 3, ft)?),
        5 => InstSpec::Env(pairs(u)?),
        6 => InstSpec::Label(pairs(u)?),
        7 => InstSpec::Maintainer(ft(u)?),
        8 => InstSpec::Arg(ft(u)?, opt(u, ft)?),
        9 => InstSpec::Expose(
            (0..u.int_in_range(1..=2)?)
                .map(|_| {
                    let (a, b): (u16, u16) = (u.arbitrary()?, u.arbitrary()?);
                    Ok((a.min(b), a.max(b), u.int_in_range(0..=2)?))
                })
                .collect::<Result<_>>()?,
        ),
        10 | 11 => files(u)?,
        12 => InstSpec::Volume(list(u, 1, 2, ft)?),
        13 => InstSpec::User(ft(u)?),
        14 => InstSpec::Workdir(ft(u)?),
        15 => InstSpec::StopSignal(ft(u)?),
        16 => InstSpec::Healthcheck(opt(u, |u| {
            let mut d = || -> Result<Option<Duration>> {
                opt(u, |u| {
                    Ok(Duration::from_millis(u.int_in_range(1..=10_000_000)?))
                })
            };
            let durations = [d()?, d()?, d()?, d()?];
            Ok(Box::new(HealthSpec {
                cmd: cmd(u)?,
                durations,
                retries: opt(u, |u| u.int_in_range(0..=20))?,
            }))
        })?),
        _ if !onbuild => InstSpec::OnBuild(Box::new(inst(u, true)?)),
        _ => InstSpec::Comment(text(u, 8)?),
    })
}

fn spec(u: &mut Unstructured<'_>) -> Result<Spec> {
    let escape = if u.arbitrary()? {
        Escape::Backtick
    } else {
        Escape::Backslash
    };
    let args = (0..u.int_in_range(0..=2)?)
        .map(|_| Ok((ft(u)?, opt(u, ft)?)))
        .collect::<Result<_>>()?;
    let mut stages = Vec::new();
    for _ in 0..u.int_in_range(1..=3)? {
        let base = match u.int_in_range(0..=3)? {
            0 => BaseSpec::Prev,
            1 => BaseSpec::Image("alpine:3.20".into()),
            2 => BaseSpec::Scratch,
            _ => BaseSpec::Context("base-ctx".into()),
        };
        let platform = opt(u, |u| {
            Ok((*u.choose(&["$BUILDPLATFORM", "linux/amd64"])?).to_owned())
        })?;
        let insts = (0..u.int_in_range(0..=6)?)
            .map(|_| inst(u, false))
            .collect::<Result<_>>()?;
        stages.push(StageSpec {
            base,
            platform,
            insts,
        });
    }
    Ok(Spec {
        escape,
        args,
        stages,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = spec(&mut Unstructured::new(data)) else {
        return;
    };
    let built = build(&spec);
    let Some(df) = built.dockerfile else {
        return;
    };
    let text = df.to_string();
    let wants = wants(&built.spec);
    // Where parse-dockerfile is known to differ from BuildKit, it cannot be the judge.
    if read::pd_corner(&wants) {
        return;
    }
    match read::pd_reads(&text, esc_char(spec.escape)) {
        Ok(reads) => assert!(
            reads == wants,
            "parse-dockerfile reads\n{reads:#?}\nthe model has\n{wants:#?}\n----- rendered -----\n{text}"
        ),
        Err(e) => panic!("parse-dockerfile refused it: {e}\n----- rendered -----\n{text}"),
    }
});
