//! Pipes: `pipe`, capacities and duplicates of the standard streams.

use std::os::fd::{AsFd, AsRawFd};

use sysix_core::pipe::{self, PipeFlags};
use sysix_core::{Errno, Error};

use crate::arg::{Fd, I32Out, Token, Uint};
use crate::num::saturate;
use crate::out::{NewFd, NewFds};

crate::bindings! {
    /// `pipe2(O_CLOEXEC | flags)`—A new anonymous pipe: the numbers of its
    /// reading and writing ends go into `out`, registered under `token` and
    /// the token after it.
    sync pipe(non_blocking: bool, direct: bool, token: Token, out: I32Out) -> NewFds {
        let mut flags = PipeFlags::empty();
        flags.set(PipeFlags::NONBLOCK, non_blocking);
        flags.set(PipeFlags::DIRECT, direct);
        let [reader_out, writer_out, ..] = out.as_mut() else {
            return Err(Error::new(Errno::INVAL, "pipe2"));
        };
        let (reader, writer) = pipe::pipe(flags)?;
        (*reader_out, *writer_out) = (reader.as_raw_fd(), writer.as_raw_fd());
        Ok(NewFds(reader, writer, token))
    }

    /// `fcntl(fd, F_GETPIPE_SZ)`—A pipe's capacity in bytes.
    sync pipe_capacity(fd: Fd) -> u32 {
        pipe::capacity(fd.as_fd()).map(saturate)
    }

    /// `fcntl(fd, F_SETPIPE_SZ, bytes)`—Resizes a pipe, returning its new capacity.
    sync set_pipe_capacity(fd: Fd, bytes: Uint) -> u32 {
        pipe::set_capacity(fd.as_fd(), bytes.0 as usize).map(saturate)
    }

    /// Duplicates standard input, close-on-exec.
    sync dup_stdin(token: Token) -> NewFd {
        pipe::dup_stdin().map(|fd| NewFd(fd, token))
    }

    /// Duplicates standard output, close-on-exec.
    sync dup_stdout(token: Token) -> NewFd {
        pipe::dup_stdout().map(|fd| NewFd(fd, token))
    }

    /// Duplicates standard error, close-on-exec.
    sync dup_stderr(token: Token) -> NewFd {
        pipe::dup_stderr().map(|fd| NewFd(fd, token))
    }
}
