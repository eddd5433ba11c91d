//! Retrying a real build's command when its container runtime failed to start for a reason
//! outside the build.
//!
//! Before it enters a container, a runtime re-executes an in-memory copy of its own binary,
//! sealed so that the container cannot rewrite it: containers/storage's unshare re-exec in
//! buildah, runc 1.1's cloned binary under BuildKit. Linux refuses the seal (`EBUSY` from
//! `F_ADD_SEALS`) while a page just written to the copy is still referenced elsewhere, for
//! instance by another CPU's batch of pages not yet put on the LRU lists: a matter of timing,
//! and the next start makes a new copy. CI saw it once, as `Close_Fd sealing memfd copy:
//! Device or resource busy` from `buildah run --isolation=chroot` on Linux 6.18. Any other
//! failure is the build's own and is reported at once.

use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What the runtimes print when that seal was refused: containers/storage's `unshare.c`, and
/// runc 1.1's `nsexec.c` after its `cloned_binary.c` failed.
const TRANSIENT: &[&str] = &[
    "sealing memfd copy",
    "could not ensure we are a cloned binary",
];

/// How many times one command is run when it keeps failing that way.
pub const ATTEMPTS: usize = 3;

/// Retries made since the process started, for the suites' reports.
static RETRIES: AtomicUsize = AtomicUsize::new(0);

/// The runtime's message in a failed command's output, when the failure is that one.
pub fn transient_failure(output: &Output) -> Option<&'static str> {
    if output.status.success() {
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    TRANSIENT
        .iter()
        .copied()
        .find(|m| stdout.contains(m) || stderr.contains(m))
}

/// The output of the last run of `attempt` and, before it, the combined output of each
/// earlier run that failed because its runtime did not start (at most `ATTEMPTS - 1`). Each
/// retry is said on stderr, naming `what`.
pub fn retried(what: &str, mut attempt: impl FnMut() -> Output) -> (Output, Vec<String>) {
    let mut earlier = Vec::new();
    loop {
        let output = attempt();
        let Some(message) = transient_failure(&output) else {
            return (output, earlier);
        };
        if earlier.len() + 1 >= ATTEMPTS {
            return (output, earlier);
        }
        RETRIES.fetch_add(1, Ordering::Relaxed);
        earlier.push(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
        // `eprintln!`, not `say`: the real builds run with `--nocapture`, where it shows,
        // and this module's own test passes quietly.
        eprintln!(
            "{what}: the container runtime did not start ({message:?}, a refused memfd seal); \
             retrying, attempt {} of {ATTEMPTS}",
            earlier.len() + 1
        );
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// A log of the runs of one command: each retried run's output under a heading, then the
/// last run's (alone when nothing was retried).
pub fn log_text(earlier: &[String], last: &str) -> String {
    let mut text: String = earlier
        .iter()
        .enumerate()
        .map(|(n, run)| {
            format!(
                "== run {} (retried: the runtime did not start)\n{run}\n",
                n + 1
            )
        })
        .collect();
    if !earlier.is_empty() {
        text.push_str(&format!("== run {}\n", earlier.len() + 1));
    }
    text.push_str(last);
    text
}

/// Retries made so far by [`retried`].
pub fn retries() -> usize {
    RETRIES.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    fn output(code: i32, stderr: &str) -> Output {
        Output {
            status: ExitStatus::from_raw(code << 8),
            stdout: Vec::new(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_refused_seal_is_retried_and_other_failures_are_not() {
        let seal = "Close_Fd sealing memfd copy: Device or resource busy\nError: exit status 1\n";
        let mut runs = 0;
        let (last, earlier) = retried("test", || {
            runs += 1;
            if runs == 1 {
                output(1, seal)
            } else {
                output(0, "")
            }
        });
        assert!(last.status.success());
        assert_eq!(runs, 2);
        assert_eq!(earlier, [seal]);

        let mut runs = 0;
        let (last, earlier) = retried("test", || {
            runs += 1;
            output(1, "error building at STEP \"RUN make\": exit status 2")
        });
        assert!(!last.status.success());
        assert_eq!((runs, earlier.len()), (1, 0));

        let mut runs = 0;
        let (last, earlier) = retried("test", || {
            runs += 1;
            output(
                1,
                "nsenter: could not ensure we are a cloned binary: Device or resource busy",
            )
        });
        assert!(!last.status.success());
        assert_eq!((runs, earlier.len()), (ATTEMPTS, ATTEMPTS - 1));
        assert!(transient_failure(&output(0, seal)).is_none());
    }
}
