//! Counts as JavaScript numbers.

/// A count as a `u32`: CPU numbers, pipe sizes and the like always fit, and
/// this only guards the conversion.
pub(crate) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
