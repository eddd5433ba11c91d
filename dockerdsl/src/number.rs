//! Number writing without `format!`: the renderer writes every port, mode and size, and
//! [`Port`](crate::Port) and [`Chmod`](crate::Chmod) write their own text with the same code.
//! A leaf module, so that the model and the renderer both use it without depending on each
//! other.

/// Appends `n` in decimal (as `{n}` formats it).
pub(crate) fn push_u64(out: &mut String, n: u64) {
    push_digits::<10>(out, n, 1);
}

/// Appends `n` in octal with at least `width` digits (as `{n:0width$o}` formats it).
pub(crate) fn push_octal(out: &mut String, n: u32, width: usize) {
    push_digits::<8>(out, n.into(), width);
}

/// The base is a constant so that dividing by it is a multiplication.
fn push_digits<const BASE: u64>(out: &mut String, mut n: u64, width: usize) {
    // u64::MAX has 22 octal digits.
    let mut digits = [b'0'; 22];
    let mut i = digits.len();
    loop {
        i -= 1;
        // `n % BASE` is below 10: the cast keeps it.
        digits[i] = b'0' + (n % BASE) as u8;
        n /= BASE;
        if n == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    for &d in &digits[start..] {
        // A digit is ASCII; the mask lets the compiler see it, so each push writes one byte
        // without a branch for longer UTF-8 sequences.
        out.push(char::from(d & 0x7f));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_format() {
        let mut out = String::new();
        for n in [0, 7, 10, 12_345, u64::MAX] {
            out.clear();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        for n in [0, 0o7, 0o755, 0o4755, u32::MAX] {
            out.clear();
            push_octal(&mut out, n, 4);
            assert_eq!(out, format!("{n:04o}"));
            out.clear();
            push_octal(&mut out, n, 1);
            assert_eq!(out, format!("{n:o}"));
        }
    }
}
