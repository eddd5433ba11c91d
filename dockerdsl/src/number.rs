//! Number writing without `format!`: the renderer writes every port, mode and size, and
//! [`Port`](crate::Port) and [`Chmod`](crate::Chmod) write their own text with the same code.
//! A leaf module, so that the model and the renderer both use it without depending on each
//! other.

/// `"00"`, `"01"`, ..., `"99"`: two digits go out as one two-byte push, which the compiler
/// writes as one store (a `str` slice of a constant length needs no copy call and no UTF-8
/// check).
const PAIRS: &str = "0001020304050607080910111213141516171819\
                     2021222324252627282930313233343536373839\
                     4041424344454647484950515253545556575859\
                     6061626364656667686970717273747576777879\
                     8081828384858687888990919293949596979899";

/// Appends `n` (below 100) as two digits.
#[inline]
fn push_pair(out: &mut String, n: u32) {
    let i = n as usize * 2;
    // Always in range: `n` is below 100 at every call.
    out.push_str(PAIRS.get(i..i + 2).unwrap_or("00"));
}

/// Appends `n` (below 10) as one digit.
#[inline]
fn push_digit(out: &mut String, n: u32) {
    // Below 10: the cast keeps it, and the mask lets the compiler see an ASCII char, so the
    // push writes one byte without a branch for longer UTF-8 sequences.
    out.push(char::from((b'0' + n as u8) & 0x7f));
}

/// Appends `n` (below 10,000) without leading zeros.
#[inline]
fn push_small(out: &mut String, n: u32) {
    if n < 10 {
        push_digit(out, n);
    } else if n < 100 {
        push_pair(out, n);
    } else {
        let (high, low) = (n / 100, n % 100);
        if high < 10 {
            push_digit(out, high);
        } else {
            push_pair(out, high);
        }
        push_pair(out, low);
    }
}

/// Appends `n` in decimal (as `{n}` formats it). Ports, sizes, durations and ids are small:
/// up to eight digits are written in 32-bit arithmetic, two digits at a time.
pub(crate) fn push_u64(out: &mut String, n: u64) {
    if n < 10_000 {
        // Below 10,000: the cast keeps it.
        push_small(out, n as u32);
    } else if n < 100_000_000 {
        // Below 10^8: the cast keeps it.
        let n = n as u32;
        let (high, low) = (n / 10_000, n % 10_000);
        push_small(out, high);
        push_pair(out, low / 100);
        push_pair(out, low % 100);
    } else {
        push_u64(out, n / 100_000_000);
        // Below 10^8.
        let low = (n % 100_000_000) as u32;
        for part in [low / 10_000, low % 10_000] {
            push_pair(out, part / 100);
            push_pair(out, part % 100);
        }
    }
}

/// Appends `n` in octal with at least `width` digits (as `{n:0width$o}` formats it).
pub(crate) fn push_octal(out: &mut String, n: u32, width: usize) {
    // Three bits a digit: 11 digits for u32::MAX.
    let digits = (32 - n.leading_zeros()).div_ceil(3).max(1) as usize;
    for _ in digits..width {
        out.push('0');
    }
    for k in (0..digits).rev() {
        push_digit(out, (n >> (3 * k)) & 7);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_format() {
        let mut out = String::new();
        let mut decimal = vec![0, 7, 9, 10, 12_345, u64::MAX, u64::from(u32::MAX)];
        for p in 0..20 {
            let n = 10u64.pow(p);
            decimal.extend([n - 1, n, n + 1, n.saturating_mul(3).saturating_add(7)]);
        }
        decimal.extend(0..=100_001);
        for n in decimal {
            out.clear();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        let mut octal = vec![0, 0o7, 0o10, 0o755, 0o4755, u32::MAX, 1 << 31];
        octal.extend(0..=0o10_000);
        for n in octal {
            for width in [0, 1, 4, 12] {
                out.clear();
                push_octal(&mut out, n, width);
                assert_eq!(out, format!("{n:0width$o}"));
            }
        }
    }
}
