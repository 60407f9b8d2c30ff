//! The `jixiao` command: parses the arguments, runs the subcommand, exits with its status. The
//! flags are in `cli/args.rs`, each subcommand's call into the library in `cli/mod.rs`.

mod cli;

/// The static Linux binaries allocate with mimalloc: musl's own allocator makes the build
/// threads wait for each other (README, 下载与安装, measures both).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command, TemplatesCommand};

fn main() -> ExitCode {
    if jixiao::platform::started_by_double_click() {
        return cli::serve_double_clicked().into();
    }
    let exit = match Cli::parse().command {
        Command::Build(args) => cli::build(args),
        Command::Check(args) => cli::check(args),
        Command::Template(args) => cli::template(args),
        Command::Serve(args) => cli::serve(args),
        Command::Watch(args) => cli::watch(args),
        Command::Desktop => cli::desktop(),
        Command::Extract(args) => cli::extract(args),
        Command::Fonts(args) => cli::fonts(args),
        Command::Templates {
            command: TemplatesCommand::Export { dir, force },
        } => cli::export_templates(&dir, force),
    };
    exit.into()
}
