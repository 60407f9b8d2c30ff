//! What differs on Windows (平台差异): a file another program holds open, and a program started
//! by a double-click in Explorer, whose console window closes as soon as the program ends (as
//! a terminal window opened by a Linux menu entry does). And on glibc: memory given back.
//!
//! The Windows calls live in `windows.rs`; on other systems these functions answer "no" and do
//! nothing, so callers need no `cfg` of their own. Console output needs nothing here: Rust's
//! standard library writes to a Windows console with the wide (UTF-16) API, so Chinese reads
//! correctly whatever the console's code page, and writes UTF-8 bytes to files and pipes.

#[cfg(windows)]
mod windows;

/// What a build says for a file it cannot replace because another program holds it open.
pub const FILE_IN_USE: &str = "文件被其他程序占用，请关闭后重试";

/// True when `error` means that another program holds the file open, as a PDF viewer on Windows
/// does, so that the file can be neither replaced nor removed. Never on other systems, where an
/// open file can always be replaced.
pub fn file_in_use(error: &std::io::Error) -> bool {
    cfg!(windows) && error.raw_os_error().is_some_and(is_windows_sharing_error)
}

/// The Windows error codes a replacement of a file held open fails with: `ERROR_ACCESS_DENIED`
/// (5, the file is open without sharing deletion), `ERROR_SHARING_VIOLATION` (32) and
/// `ERROR_LOCK_VIOLATION` (33).
pub fn is_windows_sharing_error(code: i32) -> bool {
    matches!(code, 5 | 32 | 33)
}

/// True when the program was started without arguments in a console window of its own: on
/// Windows, a double-click in Explorer (from `cmd.exe` or PowerShell the console is shared with
/// the shell). Never on other systems.
pub fn started_by_double_click() -> bool {
    #[cfg(windows)]
    {
        std::env::args_os().len() == 1 && windows::console_is_own()
    }
    #[cfg(not(windows))]
    {
        false
    }
}

/// What a window that is about to close asks of the person reading it.
pub const PRESS_A_KEY: &str = if cfg!(windows) {
    "按任意键退出……"
} else {
    "按回车键退出……"
};

/// Waits until a key is pressed in the console (Windows) or Enter in the terminal (elsewhere);
/// returns at once where there is no console or terminal to read from.
pub fn wait_for_key() {
    #[cfg(windows)]
    windows::wait_for_key();
    #[cfg(not(windows))]
    {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() {
            let _ = std::io::stdin().read_line(&mut String::new());
        }
    }
}

/// Gives memory freed by a large job back to the system. glibc's allocator keeps what its
/// threads freed for later use: after checking a workbook of 200,000 findings the page's server
/// would stay 200 MB larger for the rest of the day (README measures it). Elsewhere the
/// allocator returns memory itself (Windows' heap, mimalloc on the static Linux builds), and
/// this does nothing.
pub fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and trims glibc's own heaps; any thread may call it.
    unsafe {
        libc::malloc_trim(0);
    }
}
