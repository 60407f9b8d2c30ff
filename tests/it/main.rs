//! The integration tests, one binary: each module below was once its own test binary, and each
//! of those linked all of Typst. One binary links it once (CI time), and the modules still run
//! alone by name: `cargo test --test it pagination::`.

mod common;

mod accessibility;
mod architecture;
mod bad_inputs;
mod batch;
mod browser;
mod changes;
mod check_cli;
mod desktop;
mod docs;
mod emit;
mod end_to_end;
mod escaping;
mod evaluation;
mod fonts_and_templates;
mod layout;
mod optional_columns;
mod optional_parts;
mod pagination;
mod publication;
mod serve;
mod snapshot;
mod template;
mod typography;
mod watch;
