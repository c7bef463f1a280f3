//! Batches: many `statx`es, `pread`s or `pwrite`s in one Promise call, run
//! through io_uring where the kernel allows it (see `sysix_core::fs::batch`),
//! each request with an outcome of its own.

use std::os::fd::AsFd;

use sysix_core::fs::batch::{self, Read, Write};
use sysix_core::fs::stat::{StatOptions, StatxFlags, Sync};
use sysix_core::{Errno, Error};

use super::stat::{fill, STATX_LEN};
use crate::arg::{Dir, Fd, I64Out, Offsets, Paths, Pick, SinkEach, Uint, Views};
use crate::out::Outcomes;

/// `EINVAL` for a batch whose arrays disagree in length (the TypeScript
/// layer makes them, so only a direct call into the binding sees it).
fn lengths_differ(syscall: &'static str) -> Error {
    Error::new(Errno::INVAL, syscall)
}

crate::bindings! {
    /// `statx` of each path, relative to `dir`: fills `out` (`STATX_LEN`
    /// slots a path, the `StatxSlot` layout) and gives each path's outcome.
    promise statx_many(dir: Dir, paths: Paths, mask: Uint, follow: bool, sync: Pick<Sync>, out: I64Out) -> Outcomes {
        let paths = paths.c_strs();
        let slots = out.as_mut();
        if slots.len() < paths.len() * STATX_LEN as usize {
            return Err(lengths_differ("statx"));
        }
        let options = StatOptions {
            mask: StatxFlags::from_bits_retain(mask.0),
            follow,
            sync: sync.get(),
            ..StatOptions::all()
        };
        let (stats, _) = batch::statx_many(dir.as_fd(), &paths, options);
        let outcomes = stats
            .into_iter()
            .zip(slots.chunks_mut(STATX_LEN as usize))
            .map(|(stat, slots)| stat.and_then(|stat| fill(slots, &stat)).map(|()| 0))
            .collect();
        Ok(Outcomes(outcomes))
    }

    /// `pread` into each view at its position: the bytes each read, or its error.
    promise pread_many(fd: Fd, views: SinkEach, positions: Offsets) -> Outcomes {
        if views.len() != positions.0.len() {
            return Err(lengths_differ("pread"));
        }
        let fd = fd.as_fd();
        let mut reads: Vec<Read<'_>> = views
            .io_slices_mut()
            .into_iter()
            .zip(&positions.0)
            .map(|(buffer, &offset)| Read { fd, buffer, offset })
            .collect();
        let (outcomes, _) = batch::pread_many(&mut reads);
        drop(reads);
        views.set_filled(outcomes.iter().map(|outcome| *outcome.as_ref().unwrap_or(&0)).collect());
        Ok(Outcomes(outcomes))
    }

    /// `pwrite` of each view at its position: the bytes each wrote, or its error.
    promise pwrite_many(fd: Fd, views: Views, positions: Offsets) -> Outcomes {
        let slices = views.io_slices();
        if slices.len() != positions.0.len() {
            return Err(lengths_differ("pwrite"));
        }
        let fd = fd.as_fd();
        let writes: Vec<Write<'_>> = slices
            .iter()
            .zip(&positions.0)
            .map(|(buffer, &offset)| Write { fd, buffer, offset })
            .collect();
        Ok(Outcomes(batch::pwrite_many(&writes).0))
    }
}
