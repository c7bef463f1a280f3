//! `/proc/self/mountinfo`, the mount table as this process sees it.

use std::path::PathBuf;

/// One line of `/proc/self/mountinfo`.
///
/// # References
///  - [Linux `proc_pid_mountinfo(5)`](https://man7.org/linux/man-pages/man5/proc_pid_mountinfo.5.html)
#[derive(Debug)]
pub(crate) struct Mount<'a> {
    /// The mount's unique id, as `statx` reports it in `stx_mnt_id`.
    pub id: u64,
    /// The device of its filesystem (`major:minor`), as `statx` reports it
    /// in `stx_dev_major` and `stx_dev_minor`.
    pub dev: (u32, u32),
    /// The directory of the filesystem that forms the mount's root.
    pub root: PathBuf,
    /// Where it is mounted, relative to this process's root.
    pub point: PathBuf,
    /// The filesystem type (`ext4`, `tmpfs`, `cgroup2`, ...).
    pub fstype: &'a str,
    /// The per-superblock options.
    pub super_options: &'a str,
}

impl<'a> Mount<'a> {
    /// Parses `id parent major:minor root point options [optional...] - fstype source super-options`.
    pub fn parse(line: &'a str) -> Option<Self> {
        let (before, after) = line.split_once(" - ")?;
        let mut fields = before.split(' ');
        let id = fields.next()?.parse().ok()?;
        let (major, minor) = fields.nth(1)?.split_once(':')?;
        let dev = (major.parse().ok()?, minor.parse().ok()?);
        let root = unescape(fields.next()?);
        let point = unescape(fields.next()?);
        let mut fields = after.split(' ');
        let fstype = fields.next()?;
        let super_options = fields.nth(1).unwrap_or("");
        Some(Self {
            id,
            dev,
            root: root.into(),
            point: point.into(),
            fstype,
            super_options,
        })
    }

    /// Whether `option` is among the per-superblock options.
    pub fn has_option(&self, option: &str) -> bool {
        self.super_options.split(',').any(|o| o == option)
    }
}

/// Decodes the octal escapes (`\040` for a space) mountinfo uses in paths.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|digits| digits.iter().all(|d| (b'0'..=b'7').contains(d)));
        match octal {
            Some(digits) if bytes[i] == b'\\' => {
                out.push(
                    digits
                        .iter()
                        .fold(0u8, |n, d| n.wrapping_mul(8) + (d - b'0')),
                );
                i += 4;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn parses_fields_and_escapes() {
        let line =
            "36 35 98:0 /mnt1 /mnt/a\\040b rw,noatime master:1 - ext3 /dev/root rw,errors=continue";
        let mount = Mount::parse(line).unwrap();
        assert_eq!(mount.id, 36);
        assert_eq!(mount.root, Path::new("/mnt1"));
        assert_eq!(mount.point, Path::new("/mnt/a b"));
        assert_eq!(mount.fstype, "ext3");
        assert!(mount.has_option("errors=continue"));
        assert!(!mount.has_option("ro"));
    }

    #[test]
    fn rejects_lines_without_separator() {
        assert!(Mount::parse("36 35 98:0 / / rw").is_none());
    }
}
