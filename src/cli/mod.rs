//! The `jixiao` command's own parts: what the library does not need.

pub mod progress;
