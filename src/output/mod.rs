//! Output (输出): the output folder, its files and its state — everything jixiao writes.
//!
//! - `files`: file names made from document titles, atomic writes (a temporary file renamed into
//!   place, so that a failed build never destroys the last good file and a reader never sees
//!   half a PDF), and where an output may go (never among the inputs). A temporary file is named
//!   `.jixiao-{process id}-{random}.tmp`, so that a process can tell its own temporaries from
//!   those of another writer into the same folder.
//! - The folder's state, shared by every writer: [`lock`] (the advisory locks several writers
//!   share it by), [`manifest`] (what each PDF was made from, for incremental builds),
//!   [`store`] (what each department's last build printed, to say what changed) and
//!   [`record`] (the change record beside each PDF).
//!
//! Nothing here knows what a department is: what is kept and recorded is given by the caller.

mod files;
pub mod lock;
pub mod manifest;
pub mod record;
pub mod store;

pub use files::{
    MAX_STEM_BYTES, check_output_file, check_output_folder, file_name, file_stem,
    remove_temporaries, write_atomic,
};
