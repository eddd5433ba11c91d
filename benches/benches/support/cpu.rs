//! Criterion measured in the benchmark thread's CPU time instead of wall time.
//!
//! The machine these benchmarks run on is shared: several engineers compile on its two cores,
//! so wall time also counts the time other processes hold the core (a 10,000-stage render
//! spans many scheduler slices; a 10-stage one fits in one). The thread's CPU time
//! (`CLOCK_THREAD_CPUTIME_ID`, which counts the kernel's page faults on its behalf too) is
//! what the code costs; caches shared with the other processes still show in it.

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};

/// The calling thread's CPU time, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock id is a constant the kernel knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    // Both fields are non-negative for this clock.
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// The measurement: nanoseconds of the benchmark thread's CPU time.
pub struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Formats nanoseconds as criterion's wall-time formatter does.
struct Nanoseconds;

impl Nanoseconds {
    fn scale(typical: f64) -> (f64, &'static str) {
        if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e3, "µs")
        } else if typical < 1e9 {
            (1e6, "ms")
        } else {
            (1e9, "s")
        }
    }
}

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = Self::scale(typical);
        for v in values {
            *v /= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        match throughput {
            Throughput::Bytes(bytes) | Throughput::BytesDecimal(bytes) => {
                for v in values {
                    *v = *bytes as f64 / *v * 1e3;
                }
                "MB/s"
            }
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => {
                for v in values {
                    *v = *n as f64 / *v * 1e9;
                }
                "elem/s"
            }
            Throughput::Bits(bits) => {
                for v in values {
                    *v = *bits as f64 / *v * 1e3;
                }
                "Mbit/s"
            }
        }
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
