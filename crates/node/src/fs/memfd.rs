//! Anonymous files in memory and their seals.

use std::ffi::CString;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

use sysix_core::fs::memfd::{self, MemfdFlags, SealFlags};
use sysix_core::{Errno, Error};

use crate::arg::{Fd, PathArg, Token, Uint};
use crate::out::NewFd;

crate::bindings! {
    /// `memfd_create(name, flags | MFD_CLOEXEC)`.
    sync memfd_create(name: PathArg, flags: Uint, token: Token) -> NewFd {
        let name = CString::new(name.as_path().as_os_str().as_bytes()).map_err(|_| Error::new(Errno::INVAL, "memfd_create"))?;
        memfd::memfd_create(&name, MemfdFlags::from_bits_retain(flags.0)).map(|fd| NewFd(fd, token))
    }

    /// `fcntl(fd, F_ADD_SEALS, seals)`.
    sync add_seals(fd: Fd, seals: Uint) -> () {
        memfd::add_seals(fd.as_fd(), SealFlags::from_bits_retain(seals.0))
    }

    /// `fcntl(fd, F_GET_SEALS)`.
    sync get_seals(fd: Fd) -> u32 {
        memfd::get_seals(fd.as_fd()).map(|seals| seals.bits())
    }
}
