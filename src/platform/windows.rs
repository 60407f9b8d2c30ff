//! The Windows console calls behind [`super`].

use windows_sys::Win32::System::Console::{
    FlushConsoleInputBuffer, GetConsoleProcessList, GetStdHandle, INPUT_RECORD, KEY_EVENT,
    ReadConsoleInputW, STD_INPUT_HANDLE,
};

/// True when this process is the only one attached to its console: Windows created the
/// console for it, as it does for a console program started from Explorer.
pub fn console_is_own() -> bool {
    let mut processes = [0u32; 2];
    // SAFETY: the buffer holds as many ids as the length passed.
    let count = unsafe { GetConsoleProcessList(processes.as_mut_ptr(), processes.len() as u32) };
    count == 1
}

/// Reads console input until a key goes down; returns at once if there is no console input.
pub fn wait_for_key() {
    // SAFETY: plain Win32 calls on the standard input handle; the record is written by
    // ReadConsoleInputW only, and read only when it reports one record read.
    unsafe {
        let input = GetStdHandle(STD_INPUT_HANDLE);
        // Keys pressed before the prompt do not count.
        FlushConsoleInputBuffer(input);
        loop {
            let mut record: INPUT_RECORD = std::mem::zeroed();
            let mut read = 0u32;
            if ReadConsoleInputW(input, &mut record, 1, &mut read) == 0 || read == 0 {
                return;
            }
            if u32::from(record.EventType) == KEY_EVENT && record.Event.KeyEvent.bKeyDown != 0 {
                return;
            }
        }
    }
}
