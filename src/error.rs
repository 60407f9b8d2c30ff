//! Errors (错误) of a command itself, as opposed to findings about a workbook.
//!
//! One convention across every stage boundary:
//! - Something about a workbook's content, or about making one department's document, is a
//!   [`Diagnostic`](crate::diagnostic::Diagnostic): collected and returned beside the result,
//!   never an `Err`, so that one bad workbook never stops the others.
//! - Something that stops a command or a step of it (an output folder that cannot be written,
//!   PDF standards Typst refuses, no Chinese font, every port taken) is an [`Error`]: a Chinese
//!   message for the person at the terminal or the page, and its [`ErrorKind`], which decides
//!   the exit status. Functions that can fail so return [`Result`].
//! - A module whose callers must tell its failures apart keeps a `thiserror` enum of its own
//!   (the output folder's lock: busy or broken; a workbook that cannot be filled in: its
//!   findings), which converts into [`Error`] where it leaves the module.
//!
//! `String` and third-party errors (minijinja's, Typst's, I/O) do not cross a module boundary:
//! they become an [`Error`] with a message that says what could not be done, in Chinese.

use std::fmt::Display;

/// Why a command, or a step of it, could not be done: a message in Chinese, shown as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

/// What an [`Error`] says about the command that met it (and so its exit status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command cannot do what it was asked as asked (exit status 2): an output folder
    /// inside an input folder, PDF standards that cannot be combined.
    Usage,
    /// The command could not do its work (exit status 1): a file that cannot be written, no
    /// Chinese font, a port in use.
    Failed,
}

/// A result whose error is an [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The command could not do its work.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Failed,
            message: message.into(),
        }
    }

    /// The command was asked for something it cannot do.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Usage,
            message: message.into(),
        }
    }

    /// An I/O failure on `path`: `{doing} {path}：{error}` (`无法写入 out/x.pdf：…`).
    pub fn io(doing: &str, path: &std::path::Path, error: impl Display) -> Self {
        Self::failed(format!("{doing} {}：{error}", path.display()))
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error, saying first what was being done: `{what}：{message}`.
    pub fn context(self, what: impl Display) -> Self {
        Self {
            message: format!("{what}：{}", self.message),
            ..self
        }
    }
}
